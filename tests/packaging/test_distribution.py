"""What `pip install .` puts into site-packages: one `archwright` namespace and nothing generic.

Builds the real wheel (setuptools, as pip would) and reads its file list, so a packaging change
that leaks `tools/`, `server/` or `resources/` to the top level fails here.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = out.glob("archwright-*.whl")
    return zipfile.ZipFile(path)


@pytest.fixture(scope="module")
def wheel_names(wheel: zipfile.ZipFile) -> list[str]:
    return wheel.namelist()


@pytest.mark.slow
def test_the_wheel_installs_only_the_archwright_namespace(wheel_names: list[str]) -> None:
    top_level = {name.split("/", 1)[0] for name in wheel_names}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"archwright"}


@pytest.mark.slow
def test_the_wheel_carries_the_knowledge_base_and_the_labelled_data(wheel_names: list[str]) -> None:
    assert "archwright/resources/data/prices.toml" in wheel_names
    assert "archwright/resources/datasets/requirements.dev.jsonl" in wheel_names
    assert "archwright/server/cli.py" in wheel_names
    assert not any(name.startswith("archwright/__init__") for name in wheel_names)


@pytest.mark.slow
def test_the_console_script_points_into_the_namespace(wheel: zipfile.ZipFile, tmp_path: Path) -> None:
    entry_points = next(n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt"))
    assert "archwright = archwright.server.cli:main" in wheel.read(entry_points).decode()
    done = subprocess.run([str(Path(sys.executable).parent / "archwright"), "--help"], capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and "archwright" in done.stdout


@pytest.mark.slow
def test_every_package_folder_is_in_the_wheel(wheel_names: list[str]) -> None:
    """A new package folder that pyproject's explicit list forgets would import in an editable
    checkout and fail in a real install."""
    names = set(wheel_names)
    for folder, namespace in (("server", "archwright/server"), ("tools", "archwright/tools")):
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.relative_to(ROOT / folder).as_posix()
            assert f"{namespace}/{relative}" in names, f"{folder}/{relative} is not packaged"
