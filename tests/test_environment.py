"""pyproject.toml, environment.yml and lock.txt declare the same dependencies.

A conda user and a pip user must get the same set: the test fails on a package missing from either
file, on a bound in environment.yml that is looser than pyproject's, and on a Python range in
environment.yml that reaches outside ``requires-python``. environment.yml uses conda-forge alone,
and only package names known to be conda-forge's (``CONDA_FORGE``); its CPU build of torch is
``pytorch-cpu``. lock.txt pins every declared package to one version that pyproject's range admits,
with the CPU build of torch.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# pip name -> conda-forge name, for every package the project declares; each name was checked
# against anaconda.org/conda-forge (2026-12-04). A new dependency needs its conda-forge name here.
SAME_NAME = [
    "jupyterlab", "ipykernel", "numpy", "matplotlib", "nbformat", "nbclient", "scikit-learn",
    "scipy", "tqdm", "ipywidgets", "pytest", "nbval", "packaging", "hypothesis", "mpmath", "ruff",
    "pyyaml", "nbgrader", "uv",
    # conda-forge's name, as the language pack's own README gives it (conda names are lower case)
    "jupyterlab-language-pack-zh-cn",
]  # fmt: skip
CONDA_FORGE = {name: name for name in SAME_NAME} | {
    "torch": "pytorch-cpu",
    "playwright": "playwright-python",
}
CONDA_TO_PIP = {conda: pip for pip, conda in CONDA_FORGE.items() if conda != pip}
CONDA_ONLY = {"pip"}


def _norm(name: str) -> str:
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_TO_PIP.get(name, name)


def pip_requirements(pyproject: dict) -> dict[str, SpecifierSet]:
    """Runtime dependencies and every optional extra, by normalised name."""
    project = pyproject["project"]
    reqs = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    out: dict[str, SpecifierSet] = {}
    for line in reqs:
        r = Requirement(line)
        out[_norm(r.name)] = r.specifier
    return out


def _conda_spec(entry: str) -> tuple[str, SpecifierSet]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", entry)
    if not m:
        raise ValueError(f"cannot parse conda dependency {entry!r}")
    name, spec = m.group(1), m.group(2).replace(" ", "")
    if re.fullmatch(r"=[^=<>!~].*", spec):  # conda's `=1.2` means 1.2.*
        spec = "==" + spec[1:] + ("" if spec.endswith("*") else ".*")
    elif re.fullmatch(r"[0-9].*", spec):  # `numpy 1.26` (space form)
        spec = "==" + spec
    return name, SpecifierSet(spec)


def conda_requirements(env: dict) -> tuple[dict[str, SpecifierSet], SpecifierSet | None]:
    """Conda and pip-section packages by normalised name, and the python spec."""
    out: dict[str, SpecifierSet] = {}
    python = None
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict):
            for line in dep.get("pip", []):
                line = line.strip()
                if line.startswith("-"):  # -e ., -r file, options
                    continue
                r = Requirement(line)
                out[_norm(r.name)] = r.specifier
            continue
        name, spec = _conda_spec(str(dep))
        if name.lower() == "python":
            python = spec
        elif name.lower() not in CONDA_ONLY:
            out[_norm(name)] = spec
    return out, python


def _bounds(spec: SpecifierSet) -> tuple[Version | None, bool, Version | None, bool]:
    """(lower, lower inclusive, upper, upper inclusive) implied by a specifier set."""
    lo: Version | None = None
    lo_inc = True
    hi: Version | None = None
    hi_inc = True
    for s in spec:
        v = Version(s.version.rstrip(".*")) if s.version.endswith(".*") else Version(s.version)
        if s.operator in (">=", ">", "==", "~=", "==="):
            inc = s.operator != ">"
            if lo is None or v > lo or (v == lo and not inc):
                lo, lo_inc = v, inc
        if s.operator in ("<", "<=") or (s.operator == "==" and not s.version.endswith(".*")):
            inc = s.operator != "<"
            if hi is None or v < hi or (v == hi and not inc):
                hi, hi_inc = v, inc
    return lo, lo_inc, hi, hi_inc


def looser(env_spec: SpecifierSet, pip_spec: SpecifierSet) -> str | None:
    """Why ``env_spec`` admits versions that ``pip_spec`` excludes, or None."""
    elo, elo_inc, ehi, ehi_inc = _bounds(env_spec)
    plo, plo_inc, phi, phi_inc = _bounds(pip_spec)
    if plo is not None and (elo is None or elo < plo or (elo == plo and elo_inc and not plo_inc)):
        return f"lower bound {elo or 'none'} is below pyproject's {plo}"
    if phi is not None and (ehi is None or ehi > phi or (ehi == phi and ehi_inc and not phi_inc)):
        return f"upper bound {ehi or 'none'} is above pyproject's {phi}"
    return None


def python_outside(env_python: SpecifierSet | None, requires: SpecifierSet) -> list[str]:
    """Python minor versions that environment.yml allows and requires-python does not."""
    if env_python is None:
        return ["environment.yml does not pin python"]
    bad = []
    for minor in range(30):
        for patch in (0, 99):
            v = f"3.{minor}.{patch}"
            if env_python.contains(v) and not requires.contains(v):
                bad.append(v)
    return bad


def compare(pyproject: dict, env: dict) -> list[str]:
    """Every disagreement between the two files, as readable messages."""
    pip = pip_requirements(pyproject)
    conda, python = conda_requirements(env)
    problems = []
    for name in sorted(set(pip) - set(conda)):
        problems.append(f"{name}: in pyproject.toml, missing from environment.yml")
    for name in sorted(set(conda) - set(pip)):
        problems.append(f"{name}: in environment.yml, missing from pyproject.toml")
    for name in sorted(set(pip) & set(conda)):
        why = looser(conda[name], pip[name])
        if why:
            problems.append(f"{name}: environment.yml's '{conda[name]}' is looser: {why}")
    requires = SpecifierSet(pyproject["project"].get("requires-python", ""))
    outside = python_outside(python, requires)
    if outside:
        problems.append(f"python: environment.yml allows {outside[:4]} outside requires-python '{requires}'")
    return problems


@pytest.fixture(scope="module")
def files() -> tuple[dict, dict]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    return pyproject, env


def test_pyproject_and_environment_agree(files: tuple[dict, dict]) -> None:
    pyproject, env = files
    assert compare(pyproject, env) == []


def test_environment_installs_the_package(files: tuple[dict, dict]) -> None:
    _, env = files
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert any("-e ." in " ".join(p) for p in pip_sections), "environment.yml must end with pip -e ."


def _copy(files: tuple[dict, dict]) -> tuple[dict, dict]:
    import copy

    return copy.deepcopy(files[0]), copy.deepcopy(files[1])


def test_detects_a_missing_package(files: tuple[dict, dict]) -> None:
    pyproject, env = _copy(files)
    env["dependencies"] = [d for d in env["dependencies"] if not str(d).startswith("numpy")]
    assert any(p.startswith("numpy: in pyproject.toml, missing") for p in compare(pyproject, env))
    pyproject, env = _copy(files)
    env["dependencies"].insert(2, "seaborn>=0.13")
    assert any(p.startswith("seaborn: in environment.yml, missing") for p in compare(pyproject, env))


def test_detects_a_looser_bound(files: tuple[dict, dict]) -> None:
    pyproject, env = _copy(files)
    env["dependencies"] = [
        "pytorch-cpu>=2.0" if str(d).startswith("pytorch") else d for d in env["dependencies"]
    ]
    problems = compare(pyproject, env)
    assert any(p.startswith("torch:") and "lower bound 2.0" in p for p in problems)
    # an unbounded entry is looser than any bound
    pyproject, env = _copy(files)
    env["dependencies"] = ["numpy" if str(d).startswith("numpy") else d for d in env["dependencies"]]
    assert any(p.startswith("numpy:") for p in compare(pyproject, env))


def test_a_stricter_bound_is_fine(files: tuple[dict, dict]) -> None:
    pyproject, env = _copy(files)
    env["dependencies"] = [
        "numpy>=2.0,<3" if str(d).startswith("numpy") else d for d in env["dependencies"]
    ]
    assert compare(pyproject, env) == []


def test_detects_python_outside_requires_python(files: tuple[dict, dict]) -> None:
    pyproject, env = _copy(files)
    env["dependencies"] = [
        "python>=3.8" if str(d).startswith("python") else d for d in env["dependencies"]
    ]
    problems = compare(pyproject, env)
    assert any(p.startswith("python:") and "3.8" in p for p in problems)


def test_conda_spec_forms() -> None:
    assert _conda_spec("numpy=1.26")[1].contains("1.26.4")
    assert not _conda_spec("numpy=1.26")[1].contains("1.27.0")
    assert _conda_spec("numpy >=1.26")[1] == SpecifierSet(">=1.26")
    assert _norm("pytorch-cpu") == "torch"
    assert _norm("scikit_learn") == "scikit-learn"


# --- conda-forge only ---------------------------------------------------------------------------


def conda_forge_problems(env: dict) -> list[str]:
    """Channels other than conda-forge, and package names that are not conda-forge's."""
    problems = []
    channels = [c for c in env.get("channels", []) if c != "nodefaults"]
    if channels != ["conda-forge"]:
        problems.append(f"channels: {env.get('channels')}; only conda-forge (and nodefaults)")
    known = set(CONDA_FORGE.values()) | {"python", "pip"}
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict):
            continue
        name, _ = _conda_spec(str(dep))
        if "::" in name or name.lower() not in known:
            problems.append(f"{name}: not a known conda-forge package name")
    return problems


def test_environment_uses_conda_forge_alone(files: tuple[dict, dict]) -> None:
    assert conda_forge_problems(files[1]) == []


def test_detects_another_channel_or_package(files: tuple[dict, dict]) -> None:
    _, env = _copy(files)
    env["channels"] = ["pytorch", "conda-forge"]
    env["dependencies"] = [*env["dependencies"], "cpuonly", "pytorch>=2.3"]
    problems = conda_forge_problems(env)
    assert any(p.startswith("channels:") for p in problems)
    assert any(p.startswith("cpuonly:") for p in problems)
    assert any(p.startswith("pytorch:") for p in problems)


# --- lock.txt -----------------------------------------------------------------------------------

SUPPORTED = [
    {"python_version": f"3.{minor}", "python_full_version": f"3.{minor}.1", **platform}
    for minor in (11, 12, 13)
    for platform in (
        {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
         "platform_machine": "x86_64", "implementation_name": "cpython"},
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
         "platform_machine": "arm64", "implementation_name": "cpython"},
        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
         "platform_machine": "AMD64", "implementation_name": "cpython"},
    )
]  # fmt: skip


def lock_pins(text: str, environment: dict[str, str]) -> dict[str, list[str]]:
    """The pinned versions that apply in ``environment``, by normalised name."""
    pins: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(environment):
            (spec,) = list(req.specifier)
            assert spec.operator == "==", f"lock.txt: {line} is not an exact pin"
            pins.setdefault(_norm(req.name), []).append(spec.version)
    return pins


def lock_problems(pyproject: dict, lock: str) -> list[str]:
    problems = []
    wanted = pip_requirements(pyproject)
    versions: dict[str, set[str]] = {}
    for environment in SUPPORTED:
        where = f"python {environment['python_version']} on {environment['sys_platform']}"
        pins = lock_pins(lock, environment)
        for name, spec in wanted.items():
            got = pins.get(name, [])
            if len(got) != 1:
                problems.append(f"{name}: {len(got)} pins in lock.txt for {where}")
            elif not spec.contains(got[0], prereleases=True):
                problems.append(f"{name}: lock.txt's {got[0]} is outside pyproject's '{spec}'")
        for name, got in pins.items():
            versions.setdefault(name, set()).update(v.split("+")[0] for v in got)
        torch = pins.get("torch", [""])[0]
        cpu = torch.endswith("+cpu")
        if cpu != (environment["sys_platform"] != "darwin"):
            problems.append(f"torch: lock.txt pins {torch!r} for {where}, not the CPU build")
    for name, seen in sorted(versions.items()):
        if len(seen) > 1:
            problems.append(f"{name}: versions {sorted(seen)} differ between Pythons or platforms")
    return problems


def test_lock_pins_every_declared_package_once(files: tuple[dict, dict]) -> None:
    pyproject, _ = files
    assert lock_problems(pyproject, (ROOT / "lock.txt").read_text(encoding="utf-8")) == []


def test_detects_a_bad_lock(files: tuple[dict, dict]) -> None:
    pyproject, _ = files
    lock = (ROOT / "lock.txt").read_text(encoding="utf-8")
    missing = "\n".join(line for line in lock.splitlines() if not line.startswith("numpy=="))
    assert "numpy: 0 pins in lock.txt for python 3.11 on linux" in lock_problems(pyproject, missing)
    cuda = lock.replace("+cpu ; sys_platform != 'darwin'", " ; sys_platform != 'darwin'")
    assert any(p.startswith("torch: lock.txt pins") for p in lock_problems(pyproject, cuda))
    forked = lock.replace("\nnumpy==", "\nnumpy==1.26.4 ; python_full_version >= '3.13'\nnumpy==")
    problems = lock_problems(pyproject, forked)
    assert any(p.startswith("numpy:") for p in problems), problems
