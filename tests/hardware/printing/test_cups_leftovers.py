"""The sweep's rules, without CUPS: what it removes, when, and what it reports."""

from __future__ import annotations

from pathlib import Path

from hardware.printing.cups_leftovers import (
    CupsFolders,
    job_documents,
    read_directive,
    sweep,
)


def _files(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / n for n in names]
    for p in paths:
        p.write_bytes(b"%PDF-1.4 copy")
    return paths


def test_an_idle_server_has_every_file_removed(tmp_path: Path) -> None:
    temp, backend = tmp_path / "tmp", tmp_path / "SPOOL"
    left = _files(temp, "0123456789abc", "gs_AbCdEf") + _files(backend / "sub", "cups2pdf-42")
    result = sweep([temp, backend], lambda: False, wait_seconds=0)
    assert result.idle and result.clean
    assert sorted(result.removed) == sorted(left)
    assert not any(p.exists() for p in left)


def test_a_busy_server_has_nothing_removed_and_the_sweep_says_so(tmp_path: Path) -> None:
    copies = _files(tmp_path / "tmp", "gs_AbCdEf")
    asked: list[float] = []
    result = sweep([tmp_path / "tmp"], lambda: True, wait_seconds=0.3, poll=0.1, sleep=asked.append)
    assert not result.idle and not result.clean and result.removed == []
    assert copies[0].exists() and len(asked) >= 1


def test_the_sweep_waits_for_the_printers_to_stop(tmp_path: Path) -> None:
    copies = _files(tmp_path / "tmp", "gs_AbCdEf")
    answers = iter([True, True, False])
    result = sweep(
        [tmp_path / "tmp"], lambda: next(answers), wait_seconds=10, sleep=lambda _s: None
    )
    assert result.idle and result.removed == copies


def test_a_file_made_after_the_listing_is_not_removed(tmp_path: Path) -> None:
    """List, then ask, then remove what was listed: a job starting meanwhile keeps its file."""
    temp = tmp_path / "tmp"
    old = _files(temp, "old-copy")
    new = temp / "new-job-copy"

    def busy() -> bool:
        new.write_bytes(b"a job that started after the listing")
        return False

    result = sweep([temp], busy, wait_seconds=0)
    assert result.removed == old and new.exists()


def test_a_folder_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "tmp"
    not_a_folder.write_bytes(b"")
    result = sweep([not_a_folder, tmp_path / "missing"], lambda: False, wait_seconds=0)
    assert result.idle and not result.clean
    assert result.unreadable == [not_a_folder] and str(not_a_folder) in result.where()


def test_folders_come_from_cups_files_conf(tmp_path: Path) -> None:
    conf = tmp_path / "cups-files.conf"
    conf.write_text(
        "# TempDir /commented/out\nRequestRoot /var/spool/cups\n"
        "TempDir /run/first\nTempDir /run/sealroom/cups-tmp\n"
    )
    assert read_directive(conf, "TempDir") == "/run/sealroom/cups-tmp"
    folders = CupsFolders.of_this_machine(conf)
    assert folders.spool == Path("/var/spool/cups")
    assert folders.scratch == (Path("/run/sealroom/cups-tmp"),)
    # Unreadable configuration: CUPS's own defaults; a cups-pdf queue adds its spool.
    default = CupsFolders.of_this_machine(tmp_path / "missing.conf", device_uri="cups-pdf:/")
    assert default.temp == Path("/var/spool/cups/tmp")
    assert len(default.scratch) == 2 and default.scratch[1].name == "SPOOL"


def test_a_jobs_document_files_are_found_by_name(tmp_path: Path) -> None:
    (tmp_path / "d00042-001").write_bytes(b"%PDF")
    (tmp_path / "d00043-001").write_bytes(b"%PDF")
    assert job_documents(tmp_path, 42) == [tmp_path / "d00042-001"]
    assert job_documents(tmp_path, 44) == []
