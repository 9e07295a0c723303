"""The wheel carries what an installed RepDrill needs: every package, its data, the built-in packs.

`make` installs the source checkout (editable), where `scenarios/` sits beside the package;
someone who installs the wheel has no checkout, so the packs must ship inside it.
"""

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from trainer.core import paths

PYPROJECT = tomllib.loads((paths.REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_of_the_source_tree_is_listed_for_the_wheel():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(paths.REPO_ROOT).parts)
             for init in (paths.REPO_ROOT / "trainer").rglob("__init__.py")}
    assert found - listed == set()  # a new subpackage must be added to pyproject.toml
    assert listed - found == {"trainer.data", "trainer.scenarios"}  # the two data folders


@pytest.mark.slow
def test_an_installed_wheel_finds_its_packs_and_keeps_models_out_of_site_packages(tmp_path):
    source, dist, target, data = tmp_path / "source", tmp_path / "dist", tmp_path / "site", tmp_path / "data"
    # a copy without earlier build leftovers (an egg-info's file list would add files the config leaves out)
    shutil.copytree(paths.REPO_ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
                    str(source)], check=True, capture_output=True)
    (wheel,) = dist.glob("repdrill-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    packs = sorted(p.name for p in paths.BUILTIN_SCENARIOS.iterdir() if p.suffix in (".yaml", ".json"))
    assert {f"trainer/scenarios/{name}" for name in packs} <= names
    package_files = {p.relative_to(paths.REPO_ROOT).as_posix() for p in (paths.REPO_ROOT / "trainer").rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts}
    assert package_files - names == set()  # code, data, the stylesheet's images
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)

    env = {**os.environ, "PYTHONPATH": str(target), "TRAINER_DATA": str(data)}
    env.pop("TRAINER_MODELS", None)
    where = subprocess.run(
        [sys.executable, "-c", "import trainer.core.paths as p; print(p.__file__); print(p.model_dirs())"],
        cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout.splitlines()
    assert Path(where[0]).is_relative_to(target)  # the wheel's copy ran, not the checkout
    assert where[1] == repr([data / "models"])  # a stray site-packages/models folder is never used
    listing = subprocess.run([sys.executable, "-m", "trainer", "packs", "list"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    for name in packs:
        if name.endswith(".yaml"):
            assert name.removesuffix(".yaml") in listing.stdout
