"""Spreadsheets in and out of batch coding: attorneys keep job lists in Excel."""

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from socfit.batch import code_file
from socfit.coder import Coder
from socfit.errors import InputError
from socfit.pack import open_pack

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def coder(fixture_pack_path):
    return Coder(open_pack(fixture_pack_path))


def _book(path, rows, blank_rows_first=0):
    wb = Workbook()
    ws = wb.active
    for _ in range(blank_rows_first):
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_input_is_read_from_its_first_sheet(coder, tmp_path):
    inp = _book(tmp_path / "jobs.xlsx", [["ID", "Title", "Description"], [7, "Software Engineer", None],
                                         [8, None, None], [9.0, "Registered Nurse", "Care for patients"]],
                blank_rows_first=2)
    out = tmp_path / "out.jsonl"
    rep = code_file(coder, inp, out, "jsonl", top=2)
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert rep == {"rows": 3, "errors": 1, "encoding": "xlsx"}
    assert [x["row"] for x in lines] == [0, 1, 2]
    assert lines[0]["candidates"][0]["soc_code"] == "15-1252"
    assert lines[1]["error"] == "empty title"


def test_xlsx_is_recognised_by_content_not_name(coder, tmp_path):
    inp = _book(tmp_path / "exported.csv", [["title"], ["Software Engineer"]])
    rep = code_file(coder, inp, tmp_path / "o.jsonl", "jsonl", top=1)
    assert rep["encoding"] == "xlsx" and rep["errors"] == 0


def test_xlsx_output_keeps_input_columns_and_cell_types(coder, tmp_path):
    inp = _book(tmp_path / "jobs.xlsx", [["id", "title", "hired"], [7, "Software Engineer", date(2025, 1, 31)]])
    out = tmp_path / "coded.xlsx"
    rep = code_file(coder, inp, out, "xlsx", top=2)
    assert rep["rows"] == 1
    rows = [[c.value for c in r] for r in load_workbook(out).active.iter_rows()]
    assert rows[0][:6] == ["id", "title", "hired", "soc_1", "title_1", "score_1"]
    assert rows[1][:4] == ["7", "Software Engineer", "2025-01-31T00:00:00", "15-1252"]
    assert isinstance(rows[1][5], float) and 0 < rows[1][5] <= 1


def test_xlsx_output_never_turns_text_into_a_formula(coder, tmp_path):
    inp = tmp_path / "jobs.csv"
    inp.write_text('title\n"=HYPERLINK(""http://x"",""Engineer"")"\n', encoding="utf-8")
    out = tmp_path / "coded.xlsx"
    code_file(coder, inp, out, "xlsx", top=1)
    cell = load_workbook(out).active.cell(row=2, column=1)
    assert cell.value == '=HYPERLINK("http://x","Engineer")' and cell.data_type == "s"


def test_old_binary_xls_is_a_clear_error(coder, tmp_path):
    inp = tmp_path / "jobs.xls"
    inp.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    with pytest.raises(InputError, match=r"old Excel \.xls workbook"):
        code_file(coder, inp, tmp_path / "o.jsonl")


def test_xlsx_output_needs_a_file(coder, tmp_path):
    inp = _book(tmp_path / "jobs.xlsx", [["title"], ["Nurse"]])
    with pytest.raises(InputError, match="give --output FILE.xlsx"):
        code_file(coder, inp, None, "xlsx")


def test_xlsx_without_title_column_lists_the_columns(coder, tmp_path):
    inp = _book(tmp_path / "jobs.xlsx", [["Job", "Notes"], ["Nurse", "x"]])
    with pytest.raises(InputError, match=r"no 'title' column; columns found: \['Job', 'Notes'\]"):
        code_file(coder, inp, tmp_path / "o.jsonl")


def test_broken_workbook_is_a_clear_error_and_no_output_is_left(coder, tmp_path):
    inp = tmp_path / "broken.xlsx"
    inp.write_bytes(b"PK\x03\x04" + b"\x00" * 200)  # a ZIP header and nothing behind it
    out = tmp_path / "o.xlsx"
    with pytest.raises(InputError, match="not a readable Excel workbook"):
        code_file(coder, inp, out, "xlsx")
    assert not out.exists() and not (tmp_path / "o.xlsx.part").exists()


def test_cli_infers_the_output_format_from_the_file_name(fixture_pack_path, tmp_path):
    inp = tmp_path / "jobs.csv"
    inp.write_text("title\nSoftware Engineer\n", encoding="utf-8")
    out = tmp_path / "coded.xlsx"
    r = subprocess.run([sys.executable, "-m", "socfit", "code", "--input", str(inp), "--output", str(out),
                        "--pack", str(fixture_pack_path), "--top", "1"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    ws = load_workbook(io.BytesIO(out.read_bytes())).active
    assert [c.value for c in next(ws.iter_rows())] == ["title", "soc_1", "title_1", "score_1", "confident", "error"]


def test_a_cell_longer_than_excel_holds_is_cut_and_says_so(coder, tmp_path):
    inp = tmp_path / "jobs.csv"
    inp.write_text("title,notes\nSoftware Engineer," + "x" * 40_000 + "\n", encoding="utf-8")
    out = tmp_path / "coded.xlsx"
    code_file(coder, inp, out, "xlsx", top=1)
    notes = load_workbook(out).active.cell(row=2, column=2).value
    assert len(notes) == 32_767 and notes.endswith("the input file has it whole]")
    assert notes.startswith("x" * 30_000)


def test_more_rows_than_a_sheet_holds_is_a_clear_error_and_no_file(coder, tmp_path, monkeypatch):
    from socfit import batch

    monkeypatch.setattr(batch, "XLSX_ROWS", 3)  # header + 2 rows
    inp = tmp_path / "jobs.csv"
    inp.write_text("title\nNurse\nCook\nWelder\n", encoding="utf-8")
    out = tmp_path / "coded.xlsx"
    with pytest.raises(InputError, match="more rows than an Excel sheet holds.*--format csv or jsonl"):
        code_file(coder, inp, out, "xlsx", top=1)
    assert not out.exists() and not (tmp_path / "coded.xlsx.part").exists()
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    assert not [f for f in ALL_TEMP_FILES if Path(f).exists()]  # nor openpyxl's temporary sheet file


def test_password_protected_workbook_is_named_in_the_error(coder, tmp_path):
    inp = tmp_path / "secret.xlsx"  # Excel stores an encrypted .xlsx in an OLE container, like an old .xls
    inp.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500)
    with pytest.raises(InputError, match="password-protected"):
        code_file(coder, inp, tmp_path / "o.jsonl")
