import subprocess
import sys

import medkg
from medkg.errors import ParseError


def test_version_matches_package():
    out = subprocess.run(
        [sys.executable, "-m", "medkg", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"medkg {medkg.__version__}"


def test_help_lists_commands():
    out = subprocess.run(
        [sys.executable, "-m", "medkg", "--help"], capture_output=True, text=True, check=True
    )
    assert "Usage" in out.stdout


def test_error_message_names_file_line_record_and_hint():
    err = ParseError(
        "expected 18 fields, got 3", path="META/MRCONSO.RRF", line=12, record="C0032227", hint="re-export"
    )
    assert str(err) == "META/MRCONSO.RRF:12, record 'C0032227': expected 18 fields, got 3 (re-export)"
    assert err.path == "META/MRCONSO.RRF" and err.line == 12
