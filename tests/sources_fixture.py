"""Tiny but format-faithful copies of every official source, written by code (no agency files in the repo).

Each file keeps the quirks parsers must handle: title rows above headers, ="01.0000" strings, footnote
rows, a 4-level Job Zone scale. Three occupations: 15-1252 Software Developers, 15-1299 (with .08), and
29-1141 Registered Nurses.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl

SOC = [
    ("Major", "15-0000", "Computer and Mathematical Occupations", ""),
    ("Minor", "15-1200", "Computer Occupations", ""),
    ("Broad", "15-1250", "Software and Web Developers, Programmers, and Testers", ""),
    ("Detailed", "15-1252", "Software Developers", "Research, design, and develop computer and network software."),
    ("Broad", "15-1290", "Miscellaneous Computer Occupations", ""),
    ("Detailed", "15-1299", "Computer Occupations, All Other", "All computer occupations not listed separately."),
    ("Major", "29-0000", "Healthcare Practitioners and Technical Occupations", ""),
    ("Minor", "29-1000", "Healthcare Diagnosing or Treating Practitioners", ""),
    ("Broad", "29-1140", "Registered Nurses", ""),
    ("Detailed", "29-1141", "Registered Nurses", "Assess patient health problems and needs, develop and implement nursing care plans."),
]
ONET = [
    ("15-1252.00", "Software Developers", "Research, design, and develop computer and network software."),
    ("15-1299.00", "Computer Occupations, All Other", "All computer occupations not listed separately."),
    ("15-1299.08", "Computer Systems Engineers/Architects", "Design and develop solutions to complex applications problems."),
    ("29-1141.00", "Registered Nurses", "Assess patient health problems and needs."),
]


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


def _csv(path: Path, rows: list[list], raw: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        path.write_text(raw, encoding="utf-8")
        return
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def write_sources(root: Path) -> Path:
    b = root / "bls_soc_2018"
    _xlsx(b / "soc_2018_definitions.xlsx", {"2018 SOC": [["SOC Group", "SOC Code", "SOC Title", "SOC Definition"]] +
                                              [list(r) for r in SOC]})
    struct = [["Major Group", "Minor Group", "Broad Group", "Detailed Occupation", None]]
    for lvl, code, title, _ in SOC:
        pos = ["Major", "Minor", "Broad", "Detailed"].index(lvl)
        struct.append([code if i == pos else None for i in range(4)] + [title])
    _xlsx(b / "soc_structure_2018.xlsx", {"2018 Structure": struct})
    _xlsx(b / "soc_2018_direct_match_title_file.xlsx", {"Sorted by SOC": [
        ["2018 SOC Code", "2018 SOC Title", "2018 SOC Direct Match Title", "Illustrative Example"],
        ["15-1252", "Software Developers", "Applications Developer", ""],
        ["15-1252", "Software Developers", "Software Engineer", "x"],
        ["29-1141", "Registered Nurses", "Registered Nurse", ""]]})
    _csv(b / "derived_danielruss/soc2010_soc2018.csv", [
        ["soc2010", "soc2010_title", "soc2018", "soc2018_title"],
        ["15-1132", "Software Developers, Applications", "15-1252", "Software Developers (##)"],
        ["15-1133", "Software Developers, Systems Software", "15-1252", "Software Developers"],
        ["29-1141", "Registered Nurses", "29-1141", "Registered Nurses"]])

    o = root / "onet" / "onet_30_3_csv"
    C = "O*NET-SOC Code"
    _csv(o / "occupation_data.csv", [[C, "Title", "Description"]] + [list(r) for r in ONET])
    _csv(o / "sample_of_reported_titles.csv", [[C, "Title", "Reported Job Title", "Shown in My Next Move"],
                                                ["15-1252.00", "Software Developers", "Software Engineer", "Y"],
                                                ["29-1141.00", "Registered Nurses", "Staff Nurse", "Y"]])
    _csv(o / "task_statements.csv", [[C, "Title", "Task ID", "Task", "Task Type", "Incumbents Responding", "Date", "Domain Source"],
                                     ["15-1252.00", "Software Developers", "1", "Design, develop and modify software systems.", "Core", "90", "08/2023", "Incumbent"],
                                     ["15-1252.00", "Software Developers", "2", "Supervise the work of programmers.", "Supplemental", "40", "08/2023", "Incumbent"],
                                     ["29-1141.00", "Registered Nurses", "3", "Monitor patients' conditions.", "Core", "95", "08/2023", "Incumbent"]])
    _csv(o / "job_zones.csv", [[C, "Title", "Job Zone", "Date", "Domain Source"],
                               ["15-1252.00", "Software Developers", "4", "08/2023", "Analyst"],
                               ["15-1299.08", "Computer Systems Engineers/Architects", "4", "08/2023", "Analyst"],
                               ["29-1141.00", "Registered Nurses", "3", "08/2023", "Analyst"]])
    _csv(o / "job_zone_reference.csv", [["Job Zone", "Name", "Experience", "Education", "Job Training", "Examples", "SVP Range"],
                                        ["2", "Job Zone 1-2: Very Little to Some Preparation Needed", "", "", "", "", ""],
                                        ["3", "Job Zone Three: Medium Preparation Needed", "", "", "", "", ""],
                                        ["4", "Job Zone Four: Considerable Preparation Needed", "", "", "", "", ""],
                                        ["5", "Job Zone Five: Extensive Preparation Needed", "", "", "", "", ""]])
    cats = ["Less than a High School Diploma", "High School Diploma", "Post-Secondary Certificate", "Some College Courses",
            "Associate's Degree", "Bachelor's Degree", "Post-Baccalaureate Certificate", "Master's Degree",
            "Post-Master's Certificate", "First Professional Degree", "Doctoral Degree", "Post-Doctoral Training"]
    _csv(o / "education_categories.csv", [["Element ID", "Element Name", "Scale ID", "Scale Name", "Category", "Category Description"]] +
         [["2.D.1", "Required Level of Education", "RL", "Required Level Of Education (Categories 1-12)", str(i + 1), c] for i, c in enumerate(cats)])
    shares = {6: 70.0, 8: 25.0, 11: 5.0}
    _csv(o / "education.csv", [[C, "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Category", "Data Value", "N",
                                "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress", "Date", "Domain Source"]] +
         [["15-1252.00", "Software Developers", "2.D.1", "Required Level of Education", "RL", "x", str(k), f"{shares.get(k, 0.0):.2f}",
           "30", "", "", "", "N", "08/2023", "Incumbent"] for k in range(1, 13)])
    _csv(o / "related_occupations.csv", [[C, "Title", "Related O*NET-SOC Code", "Related Title", "Relatedness Tier", "Index"],
                                         ["15-1252.00", "Software Developers", "15-1299.08", "Computer Systems Engineers/Architects", "Primary-Short", "1"]])
    _csv(o / "emerging_tasks.csv", [[C, "Title", "Task", "Category", "Original Task ID", "Original Task", "Date", "Domain Source"],
                                    ["15-1252.00", "Software Developers", "Develop machine learning pipelines.", "New", "", "", "08/2025", "Incumbent"]])
    _csv(o / "software_skills.csv", [[C, "Title", "Workplace Example", "Element ID", "Element Name", "Hot Technology", "In Demand"],
                                     ["15-1252.00", "Software Developers", "Python", "2.E.6.a", "Object or component oriented development software", "Y", "Y"]])
    alt_rows = [[C, "Title", "Alternate Title", "Short Title", "Source(s)"],
                ["15-1252.00", "Software Developers", "Application Developer", None, "09"],
                ["15-1252.00", "Software Developers", "Software Engineer", None, "04"],
                ["15-1299.08", "Computer Systems Engineers/Architects", "Solutions Architect", None, "09"],
                ["29-1141.00", "Registered Nurses", "Registered Nurse (RN)", "RN", "04"]]
    _xlsx(root / "onet" / "onet_30_0_alternate_titles" / "Alternate Titles.xlsx", {"Alternate Titles": alt_rows})

    t = root / "onet_soc_2019_taxonomy"
    title_block = lambda name: [["O*NET-SOC 2019 Occupation Listings"], [name], [None]]
    _xlsx(t / "2019_to_SOC_Crosswalk.xlsx", {"O-NET-SOC 2019 Occupation Listi": title_block("Crosswalk") +
          [["O*NET-SOC 2019 Code", "O*NET-SOC 2019 Title", "2018 SOC Code", "2018 SOC Title"]] +
          [[c, ti, c[:7], ti] for c, ti, _ in ONET]})
    _xlsx(t / "2010_to_2019_Crosswalk.xlsx", {"O-NET-SOC 2019 Occupation Listi": title_block("Crosswalk 2010 to 2019") +
          [["O*NET-SOC 2010 Code", "O*NET-SOC 2010 Title", "O*NET-SOC 2019 Code", "O*NET-SOC 2019 Title"],
           ["15-1132.00", "Software Developers, Applications", "15-1252.00", "Software Developers"]]})
    _xlsx(t / "2010_to_2018_SOC_Crosswalk.xlsx", {"O-NET-SOC 2010 Occupation Listi": title_block("Crosswalk 2010 to 2018") +
          [["O*NET-SOC 2010 Code", "O*NET-SOC 2010 Title", "2018 SOC Code", "2018 SOC Title"],
           ["15-1132.00", "Software Developers, Applications", "15-1252", "Software Developers"]]})

    e = root / "bls_ep_2024_34"
    T, K = "2024 National Employment Matrix title", "2024 National Employment Matrix code"
    _xlsx(e / "occupation.xlsx", {"Index": [["Occupation.xlsx contents"]], "Table 1.2": [
        ["Table 1.2 Occupational projections, 2024–34, and worker characteristics, 2024"],
        [T, K, "Occupation type", "Employment, 2024", "Employment, 2034", "Employment change, percent, 2024–34",
         "Median annual wage, dollars, 2024[1]", "Typical education needed for entry", "Work experience in a related occupation",
         "Typical on-the-job training needed to attain competency in the occupation"],
        ["Total, all occupations", "00-0000", "Summary", 169956.1, 175167.9, 3.1, 49500, "—", "—", "—"],
        ["      Software developers", "15-1252", "Line item", 1693.8, 1961.4, 15.8, 133080, "Bachelor's degree", "None", "None"],
        ["      Registered nurses", "29-1141", "Line item", 3300.0, 3500.0, 5.0, 93600, "Bachelor's degree", "None", "None"],
        ["Footnotes:"], ["[1] Data are from the OEWS program."]]})
    _xlsx(e / "nem-onet-to-soc-crosswalk.xlsx", {"ONET to SOC crosswalk": [
        ["Bureau of Labor Statistics O*NET-SOC to NEM crosswalk"], ["Office"], ["As of 9/6/2023"], ["O*NET-SOC and NEM"],
        ["Sort Order", "O*NET-SOC Code", "O*NET-SOC Title", "NEM Code", "National Employment Matrix Occupational Title",
         "OOH Profile Code", "OOH Profile Title", "OOH Occupation Group", "OOH Occupation Group (brief)", "OOH Profile Website"],
        [1, "15-1252.00", "Software Developers", "15-1252", "Software developers", "B1", "Software developers", "Computer", "Computer", "https://www.bls.gov/ooh/"]]})

    w = root / "bls_oews_national_may2025"
    head = ("occ_code,occ_title,display_level,employment,emp_prse,h_mean,a_mean,mean_prse,h_pct10,h_pct25,h_median,h_pct75,"
            "h_pct90,a_pct10,a_pct25,a_median,a_pct75,a_pct90,jobs_1000,loc_quotient,footnotes(datatype:footnote_code)\n")
    _csv(w / "oews_national_may2025.csv", [], raw=head +
         "00-0000,All Occupations,0,155495730,0.0,33.54,69770,0.1,15.00,18.07,24.51,38.71,61.81,31200,37590,50980,80520,128560,,,\n"
         "15-1252,Software Developers,3,1687890,0.6,71.20,148100,0.4,39.64,50.58,65.38,82.68,103.21,82460,105210,135980,171980,214670,,,\n"
         '29-1141,"Registered Nurses",3,3300000,0.6,-,98000,0.4,-,-,-,-,-,70000,80000,93600,110000,130000,,,03:4;10:5\n')

    f = root / "dol_oflc_wage_year_2024_25"
    _xlsx(f / "Wage Year 2024-25 Education.xlsx", {
        "Appendix A SOC Codes": [["O*NET Code", "Occupation", "Education", "Source"],
                                 ["15-1252.00", "Software Developers", "Bachelor's degree", "BLS Data"]],
        "All SOC Codes (Job Zones)": [["O*NET Code", "SOC Code", "SOC Broad Occupation", "SOC Minor Occupation", "Title", "Job Zone", "Source"],
                                      ["15-1252.00", "15-1252", "15-1250", "15-1200", "Software Developers", 4, "BLS Data"]],
        "All SOC Codes (Education)": [["O*NET Code", "SOC Code", "SOC Broad Occupation", "Title", "Education", "Source"],
                                      ["15-1252.00", "15-1252", "15-1250", "Software Developers", "Bachelor's degree", "BLS Data"]]})
    _csv(f / "xwalk_plus.csv", [["OES_SOCCODE", "OES_SOCTITLE", "TruncOnetCode", "OnetCode", "ONetTitle"],
                                ["15-1252", "Software Developers", "15-1252", "15-1252.00", "Software Developers"]])

    n = root / "nces_cip2020_soc2018"
    _xlsx(n / "CIP2020_SOC2018_Crosswalk.xlsx", {
        "File Guide": [["File Name", "Description"]],
        "CIP-SOC": [["CIP2020Code", "CIP2020Title", "SOC2018Code", "SOC2018Title"],
                    ["11.0701", "Computer Science.", "15-1252", "Software Developers"],
                    ["51.3801", "Registered Nursing/Registered Nurse.", "29-1141", "Registered Nurses"],
                    ["01.0508", "Taxidermy/Taxidermist.", "99-9999", "NO MATCH"]]})
    _csv(n / "CIPCode2020.csv", [], raw='"CIPFamily","CIPCode","Action","TextChange","CIPTitle","CIPDefinition","CrossReferences","Examples"\n'
         '="11",="11.0701","No substantive changes",no,"Computer Science.","A program that focuses on computation.","",\n'
         '="51",="51.3801","No substantive changes",no,"Registered Nursing/Registered Nurse.","A program in nursing.","",\n')

    _csv(root / "dhs_stem_cip_2024" / "dhs_stem_classification_table.csv",
         [["CIP Code Two-Digit Series", "2020 CIP Code", "CIP Code Title"], ["11", "11.0701", "Computer Science"]])
    _csv(root / "cet_2024" / "areas.csv", [["id", "area", "list_version"], ["6", "Artificial Intelligence", "2024-02"]])
    write_isco_xls(root / "isco_soc_crosswalk" / "isco_soc_crosswalk.xls")
    return root


def write_isco_xls(path: Path) -> None:
    """The BLS file is legacy .xls with a 6-row title block; xlwt writes that format."""
    import xlwt

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlwt.Workbook()
    rows = [["Bureau of Labor Statistics"], ["On behalf of the SOC Policy Committee"], [], ["August 2012 (Updated June 2015)"],
            [], [], ["ISCO-08 Code", "ISCO-08 Title EN", "part", "2010 SOC Code", "2010 SOC Title", "Comment 8/17/11"],
            ["2512", "Software developers", "", "15-1132 ", "Software Developers, Applications", ""],
            ["2222", "Nursing professionals", "*", "29-1141", "Registered Nurses", ""]]
    for name in ("ISCO-08 to 2010 SOC", "2010 SOC to ISCO-08"):
        ws = wb.add_sheet(name)
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                ws.write(i, j, v)
    wb.save(str(path))


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()
