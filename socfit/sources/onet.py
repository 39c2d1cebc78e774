"""O*NET 30.3 (CSV) plus the tables only older releases still publish here (Alternate Titles, ETE, Tasks to DWAs).

O*NET 30.3 reorganised Job Zones into four levels (2 = "Job Zone 1-2", 3, 4, 5); releases up to 30.1 used
five (1..5). We store what each release says, with its version, and compare on the 30.3 scale by mapping
older 1 and 2 to 2 (see docs/data.md).
"""

from __future__ import annotations

from pathlib import Path

from socfit.sources.base import Source, SourceFile, Table, cols, first_existing, read_table, require, to_float, to_int

V30 = "onet/onet_30_3_csv/"
V29 = "onet/onet_29_3_excel/"
ZIP30 = "https://www.onetcenter.org/dl_files/database/db_30_3_csv.zip"
ZIP29 = "https://www.onetcenter.org/dl_files/database/db_29_3_excel.zip"
ZIP300 = "https://www.onetcenter.org/dl_files/database/db_30_0_excel.zip"


def _f30(name: str, sha: str) -> SourceFile:
    return SourceFile(V30 + name, ZIP30, sha, member=name)


OCC = _f30("occupation_data.csv", "a09eae1d6609686e44e05b7290993a1c8b523d8ca224bc0eedc194c855c3ee02")
REPORTED = _f30("sample_of_reported_titles.csv", "5f178e0770142d1acc6c3d99700e05b535f122d7af1ce6a900ef63630640c369")
TASKS = _f30("task_statements.csv", "6462c5fef4e2b21ae2f1b85e5c3d6711ba5bef79e8c6091da48c1a26e9983a75")
JZ = _f30("job_zones.csv", "075782b37d63dfa37d8afa6dea975388350baf2f4d1906e39b66766a05d72ba8")
JZREF = _f30("job_zone_reference.csv", "75e21c0bbe0ec4d70428863b6930fbff0e279537faba1e630d7f2105ba2b6038")
EDU = _f30("education.csv", "a6c949af50e7f3edc79e322e5eea59b716fc5880d882bdec04f9a93208619a35")
EDUCAT = _f30("education_categories.csv", "c010bae59dbc77ed267a74662bb654eff40f6ecc055f309a6b80a3d0250bb8c1")
RELATED = _f30("related_occupations.csv", "fc2a719a21dbd3805ddfb6d510c013c9e0c366b46273701b88c683a50ef3fe6b")
EMERGING = _f30("emerging_tasks.csv", "1b5fc4bbe76d7534a1f2b4483d2460ba9aeea34573a56d9e7cfce9a2a93c90bb")
TECH = _f30("software_skills.csv", "6aabb96b464288db849580e6510530efff3f80e25dde2bb23f1fc36bb526b016")
ALT30 = SourceFile("onet/onet_30_0_alternate_titles/Alternate Titles.xlsx", ZIP300,
                   "a2a519ba29ac32a1be2e55ca69078a5a43a9842b289383fca47542b4c2492f55",
                   member="Alternate Titles.xlsx", optional=True, fetch=False)
ALT29 = SourceFile(V29 + "Alternate Titles.xlsx", ZIP29,
                   "2dd1ee54ed76a005e099cfb19ac7afea3bcd0528f1c919330f23f80d22d6ef77",
                   member="Alternate Titles.xlsx", optional=True)
ETE29 = SourceFile(V29 + "Education, Training, and Experience.xlsx", ZIP29,
                   "0e19dd8a579f7dc4982b459a33b797f1d8c3868c9bbb8a4c5e8792e5519dd7b1",
                   member="Education, Training, and Experience.xlsx", optional=True)
ETECAT29 = SourceFile(V29 + "Education, Training, and Experience Categories.xlsx", ZIP29,
                      "3d3e36a9cdbf13ebd2a2addd0cee875dbf7b65cbf5071a55b3c9ff53c84650f1",
                      member="Education, Training, and Experience Categories.xlsx", optional=True)
DWA29 = SourceFile(V29 + "Tasks to DWAs.xlsx", ZIP29,
                   "159c477138b692754cf0c7dd8adeb4646f594a35cbc101250ee9ff947e365fa3",
                   member="Tasks to DWAs.xlsx", optional=True)

CODE = "O*NET-SOC Code"


def parse(root: Path) -> list[Table]:
    t: list[Table] = []
    occ = [(r[CODE], r[CODE][:7], r["Title"], r["Description"])
           for r in read_table(require(root, OCC), [CODE, "Title", "Description"]) if r[CODE]]
    t.append(Table("onet_occupations", cols("onet_code, soc_code, title, description"), occ,
                   indexes=["soc_code"], source_files=[OCC.path]))

    rep = [(r[CODE], r["Reported Job Title"], int(r["Shown in My Next Move"] == "Y"))
           for r in read_table(require(root, REPORTED), [CODE, "Reported Job Title", "Shown in My Next Move"])]
    t.append(Table("reported_titles", cols("onet_code, title, shown_in_my_next_move:INTEGER"), rep,
                   indexes=["onet_code"], source_files=[REPORTED.path]))

    heads = [CODE, "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"]
    tasks = [(to_int(r["Task ID"]), r[CODE], r["Task"], r["Task Type"] or None, to_float(r["Incumbents Responding"]),
              r["Date"], r["Domain Source"]) for r in read_table(require(root, TASKS), heads) if r["Task"]]
    t.append(Table("tasks", cols("task_id:INTEGER, onet_code, task, task_type, incumbents_responding:REAL, date, domain_source"),
                   tasks, indexes=["onet_code", "task_id"], source_files=[TASKS.path]))

    heads = [CODE, "Task", "Category", "Original Task ID", "Date", "Domain Source"]
    em = [(r[CODE], r["Task"], r["Category"], to_int(r["Original Task ID"]), r["Date"], r["Domain Source"])
          for r in read_table(require(root, EMERGING), heads)]
    t.append(Table("emerging_tasks", cols("onet_code, task, category, original_task_id:INTEGER, date, domain_source"),
                   em, indexes=["onet_code"], source_files=[EMERGING.path]))

    jz = [(r[CODE], to_int(r["Job Zone"]), r["Date"], r["Domain Source"], "30.3")
          for r in read_table(require(root, JZ), [CODE, "Job Zone", "Date", "Domain Source"])]
    t.append(Table("job_zones", cols("onet_code, job_zone:INTEGER, date, domain_source, onet_version"), jz,
                   indexes=["onet_code"], source_files=[JZ.path]))
    heads = ["Job Zone", "Name", "Experience", "Education", "Job Training", "Examples", "SVP Range"]
    jzr = [(to_int(r["Job Zone"]), r["Name"], r["Experience"], r["Education"], r["Job Training"], r["Examples"],
            r["SVP Range"], "30.3") for r in read_table(require(root, JZREF), heads)]
    t.append(Table("job_zone_reference",
                   cols("job_zone:INTEGER, name, experience, education, training, examples, svp_range, onet_version"),
                   jzr, source_files=[JZREF.path]))

    cats = {(r["Scale ID"], r["Category"]): r["Category Description"]
            for r in read_table(require(root, EDUCAT), ["Scale ID", "Category", "Category Description"])}
    heads = [CODE, "Element ID", "Scale ID", "Category", "Data Value", "N", "Recommend Suppress", "Date"]
    edu = [(r[CODE], r["Scale ID"], to_int(r["Category"]), cats.get((r["Scale ID"], r["Category"]), ""),
            to_float(r["Data Value"]), to_int(r["N"]), r["Recommend Suppress"], r["Date"], "30.3")
           for r in read_table(require(root, EDU), heads) if r["Category"]]
    t.append(Table("onet_education",
                   cols("onet_code, scale_id, category:INTEGER, category_label, percent:REAL, n:INTEGER, "
                        "recommend_suppress, date, onet_version"),
                   edu, indexes=["onet_code"], source_files=[EDU.path, EDUCAT.path]))

    heads = [CODE, "Related O*NET-SOC Code", "Relatedness Tier", "Index"]
    rel = [(r[CODE], r["Related O*NET-SOC Code"], r["Relatedness Tier"], to_int(r["Index"]))
           for r in read_table(require(root, RELATED), heads)]
    t.append(Table("related_occupations", cols("onet_code, related_code, tier, rank:INTEGER"), rel,
                   indexes=["onet_code"], source_files=[RELATED.path]))

    heads = [CODE, "Workplace Example", "Element ID", "Element Name", "Hot Technology", "In Demand"]
    tech = [(r[CODE], r["Workplace Example"], r["Element ID"], r["Element Name"], int(r["Hot Technology"] == "Y"),
             int(r["In Demand"] == "Y")) for r in read_table(require(root, TECH), heads)]
    t.append(Table("technology_skills", cols("onet_code, example, element_id, category, hot:INTEGER, in_demand:INTEGER"),
                   tech, indexes=["onet_code"], source_files=[TECH.path]))

    alt = first_existing(root, [ALT30, ALT29])
    if alt is None:
        require(root, ALT30)  # raises, naming where to get it
    version = "30.0" if alt is ALT30 else "29.3"
    heads = [CODE, "Alternate Title", "Short Title", "Source(s)"]
    alts = [(r[CODE], r["Alternate Title"], r["Short Title"] or None, r["Source(s)"], version)
            for r in read_table(root / alt.path, heads) if r["Alternate Title"]]
    t.append(Table("alternate_titles", cols("onet_code, title, short_title, sources, onet_version"), alts,
                   indexes=["onet_code"], source_files=[alt.path], version=version))

    if (root / ETE29.path).is_file() and (root / ETECAT29.path).is_file():
        cat = {(r["Scale ID"], r["Category"]): r["Category Description"]
               for r in read_table(root / ETECAT29.path, ["Scale ID", "Category", "Category Description"])}
        heads = [CODE, "Element ID", "Element Name", "Scale ID", "Category", "Data Value", "N", "Recommend Suppress", "Date"]
        ete = [(r[CODE], r["Element ID"], r["Element Name"], r["Scale ID"], to_int(r["Category"]),
                cat.get((r["Scale ID"], r["Category"]), ""), to_float(r["Data Value"]), to_int(r["N"]),
                r["Recommend Suppress"], r["Date"], "29.3")
               for r in read_table(root / ETE29.path, heads)]
        t.append(Table("onet_ete_29",
                       cols("onet_code, element_id, element_name, scale_id, category:INTEGER, category_label, "
                            "percent:REAL, n:INTEGER, recommend_suppress, date, onet_version"),
                       ete, indexes=["onet_code"], source_files=[ETE29.path, ETECAT29.path], version="29.3"))
    if (root / DWA29.path).is_file():
        heads = [CODE, "Task ID", "DWA ID", "DWA Title"]
        dwa = [(r[CODE], to_int(r["Task ID"]), r["DWA ID"], r["DWA Title"], "29.3")
               for r in read_table(root / DWA29.path, heads)]
        t.append(Table("tasks_to_dwas", cols("onet_code, task_id:INTEGER, dwa_id, dwa_title, onet_version"), dwa,
                       indexes=["onet_code", "task_id"], source_files=[DWA29.path], version="29.3"))
    return t


SOURCE = Source(
    name="onet",
    title="O*NET Database (30.3 CSV; Alternate Titles 30.0 or 29.3; ETE and Tasks-to-DWAs 29.3)",
    version="30.3 (May 2026)",
    license="CC BY 4.0 (USDOL/ETA)",
    homepage="https://www.onetcenter.org/database.html",
    files=[OCC, REPORTED, TASKS, JZ, JZREF, EDU, EDUCAT, RELATED, EMERGING, TECH, ALT30, ALT29, ETE29, ETECAT29, DWA29],
    parse=parse,
    provenance="onet",
)
