"""What the examples in ``medkg/`` docstrings need when pytest runs them (not part of the wheel).

``python -m pytest`` collects ``medkg/`` with ``--doctest-modules`` (pyproject.toml). Every doctest
runs in its own temporary working directory, with ``MEDKG_CACHE_DIR`` in a temporary directory of
the session, and gets what its examples name (built or written only then, so a module whose
examples use none of it pays nothing):

Names (unless the module defines the name itself)
    ``onto``       the shipped seed ontology (``medkg.ontology.load()``);
    ``extractor``  an :class:`~medkg.extract.Extractor` over it;
    ``records``    the six sample reports of :func:`medkg.demo.sample_records` (one image each);
    ``kg``         a fresh :class:`~medkg.graph.KnowledgeGraph` built from them;
    ``store``      a read-only :class:`~medkg.store.ladybug.LadybugStore` holding that graph;
    ``facts``      ``Retriever(store).retrieve(concepts=["C0032227"], k=7)`` (pleural effusion).

Files (in the working directory, under the name the example uses)
    ``chest.png`` (8 x 6 grey PNG), ``chest.dcm`` (8 x 6 PA chest DICOM), ``chest-skos.ttl`` and
    ``chest.owl`` (tests/ontology/fixtures), ``META/`` (a small UMLS RRF directory),
    ``ontologies/seed`` (the shipped seed), ``hp.obo`` and ``doid.obo`` (a few real terms),
    ``dev.csv`` (three reports in the Open-i CSV layout), ``MedMKG.csv`` (a few triples),
    ``indiana_reports.csv`` with ``indiana_projections.csv`` (those reports as Kaggle's Open-i
    CSVs), ``mimic-cxr/`` (three studies in the PhysioNet MIMIC-CXR layout), ``evidence.jsonl``
    (a two-case evidence gold, EVIDENCE.md's form).

A doctest that imports torch (or another package of the ``ml`` extra) is skipped when it is not
installed. Nothing here needs the network, a Neo4j server, torch or ``../shared``.
"""

from __future__ import annotations

import ast
import doctest
import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from _pytest.doctest import DoctestItem

REPO = Path(__file__).resolve().parent
TESTS = REPO / "tests"

HP_OBO = """\
format-version: 1.2
ontology: hp

[Term]
id: HP:0002202
name: Pleural effusion
synonym: "Fluid around the lungs" EXACT []
xref: UMLS:C0032227
is_a: HP:0002103 ! Abnormal pleura morphology

[Term]
id: HP:0002103
name: Abnormal pleura morphology
xref: UMLS:C4025726
"""

DOID_OBO = """\
format-version: 1.2
ontology: doid

[Term]
id: DOID:552
name: pneumonia
xref: UMLS_CUI:C0032285
is_a: DOID:850 ! lung disease

[Term]
id: DOID:850
name: lung disease
xref: UMLS_CUI:C0024115
"""

EVIDENCE_JSONL = """\
{"uid": "g1", "items": [{"diagnosis": "Pneumonia", "evidence": ["opacity"], "location": ["right lower lobe"], "sentence": "Opacity in the right lower lobe, likely pneumonia."}]}
{"uid": "g2", "items": []}
"""

MEDMKG_CSV = """\
Head,Relation,Tail,Head_Name,Tail_Name
C0032285,isa,C0024115,Pneumonia,Lung diseases
C0032227,isa,C0032226,Pleural effusion,Pleural diseases
img-1,POSITIVE,C0032227,Image_img-1,Pleural effusion
img-2,NEGATIVE,C0032326,Image_img-2,Pneumothorax
"""


def _write(text: str) -> Callable[[Path], None]:
    return lambda target: target.write_text(text, encoding="utf-8")


def _copy(source: Path) -> Callable[[Path], None]:
    def put(target: Path) -> None:
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copyfile(source, target)

    return put


def _copy_all(folder: Path) -> Callable[[Path], None]:
    """Copy every file of ``folder`` beside the target (a file and its companions)."""
    return lambda target: [shutil.copyfile(f, target.parent / f.name) for f in folder.iterdir()]


def _dicom(target: Path) -> None:
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.Modality, ds.BodyPartExamined, ds.ViewPosition = "CR", "CHEST", "PA"
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = 6, 8, 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = (np.arange(48, dtype=np.uint16).reshape(6, 8) * 80).tobytes()
    ds.save_as(target, enforce_file_format=True)


#: Files put in a doctest's working directory when its examples name them.
FILES: dict[str, Callable[[Path], None]] = {
    "chest.png": _copy(TESTS / "images" / "fixtures" / "tiny.png"),
    "chest.dcm": _dicom,
    "chest-skos.ttl": _copy(TESTS / "ontology" / "fixtures" / "chest-skos.ttl"),
    "chest.owl": _copy(TESTS / "ontology" / "fixtures" / "chest.owl"),
    "META": _copy(TESTS / "ontology" / "fixtures" / "meta"),
    "ontologies/seed": _copy(REPO / "ontologies" / "seed"),
    "hp.obo": _write(HP_OBO),
    "doid.obo": _write(DOID_OBO),
    "dev.csv": _copy(TESTS / "datasets" / "fixtures" / "openi_kaggle" / "indiana_reports.csv"),
    "MedMKG.csv": _write(MEDMKG_CSV),
    "mimic-cxr": _copy(TESTS / "datasets" / "fixtures" / "mimic"),
    "indiana_reports.csv": _copy_all(TESTS / "datasets" / "fixtures" / "openi_kaggle"),
    "evidence.jsonl": _write(EVIDENCE_JSONL),
}


class _Shared:
    """The session's objects for doctests, each made on first use."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self._made: dict[str, object] = {}

    def get(self, name: str) -> object:
        if name not in self._made:
            self._made[name] = getattr(self, f"_make_{name}")()
        return self._made[name]

    def _make_onto(self):
        from medkg.ontology import load

        return load()

    def _make_extractor(self):
        from medkg.extract import Extractor

        return Extractor(self.get("onto"))

    def _make_records(self):
        from medkg.demo import sample_records

        return sample_records()

    def _make_store(self):
        from medkg.store.ladybug import LadybugStore

        path = self.tmp / "store"
        with LadybugStore(path, read_only=False) as store:
            store.write(self.fresh_kg())
        return LadybugStore(path)

    def _make_facts(self):
        from medkg.rag import Retriever

        return Retriever(self.get("store")).retrieve(concepts=["C0032227"], k=7)

    def fresh_kg(self):
        from medkg.graph import build_graph

        return build_graph(self.get("records"), self.get("extractor"), self.get("onto"))

    def close(self) -> None:
        store = self._made.get("store")
        if store is not None:
            store.close()


def _free_names(examples: list[str]) -> set[str]:
    """Names the examples read before they assign them (in example order)."""
    bound: set[str] = set()
    free: set[str] = set()
    for source in examples:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
                free.add(node.id)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                bound.add(node.id)
            elif isinstance(node, ast.alias):
                bound.add((node.asname or node.name).split(".")[0])
    return free


def _imported(examples: list[str]) -> set[str]:
    """Top-level modules the examples import."""
    found: set[str] = set()
    for source in examples:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


#: Optional packages (the ``ml`` extra): a doctest importing one is skipped when it is missing.
OPTIONAL = {"torch", "torch_geometric", "transformers", "sentence_transformers"}

NAMES = ("onto", "extractor", "records", "kg", "store", "facts")


@pytest.fixture(scope="session")
def _doctest_shared(tmp_path_factory):
    shared = _Shared(tmp_path_factory.mktemp("doctest-shared"))
    yield shared
    shared.close()


@pytest.fixture(autouse=True)
def _doctest_setup(request):
    """For doctest items only: a temporary cwd, a temporary ontology cache, the names and files."""
    if not isinstance(request.node, DoctestItem):
        return
    monkeypatch = request.getfixturevalue("monkeypatch")
    shared = request.getfixturevalue("_doctest_shared")
    monkeypatch.setenv("MEDKG_CACHE_DIR", str(shared.tmp / "cache"))
    cwd = request.getfixturevalue("tmp_path")
    monkeypatch.chdir(cwd)
    test = request.node.dtest
    examples = [e.source for e in test.examples if not e.options.get(doctest.SKIP)]
    if not examples:
        return  # every example is skipped
    namespace = request.getfixturevalue("doctest_namespace")
    missing = sorted(m for m in _imported(examples) & OPTIONAL if not _installed(m))
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (not installed)")
    used = _free_names(examples)
    for name in NAMES:
        namespace.pop(name, None)
        if name in used and name not in test.globs:
            namespace[name] = shared.fresh_kg() if name == "kg" else shared.get(name)
    source = "\n".join(examples)
    for name, put in FILES.items():
        if f'"{name}' in source:
            (cwd / name).parent.mkdir(parents=True, exist_ok=True)
            put(cwd / name)


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    """Modules left behind by a move only re-export and warn (``DeprecationWarning``): importing
    them to look for doctests would only print the warning. ``tests/test_architecture.py`` checks
    that each of them warns and still serves its names."""
    if collection_path.suffix != ".py" or REPO / "medkg" not in collection_path.parents:
        return None
    text = collection_path.read_text(encoding="utf-8")
    if "DeprecationWarning" in text and ">>>" not in text and text.count("\n") < 40:
        return True
    return None
