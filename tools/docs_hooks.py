"""The docs site's hook (mkdocs.yml): the committed pictures of visualizations/ and benchmarks/results/ join the site
as images/, so a page shows the very files the repository holds, never copies of them."""

from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
PICTURES = {"visualizations": "images/visualizations", "benchmarks/results": "images/results"}


def on_files(files, config):
    for folder, site in PICTURES.items():
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".svg", ".png"):
                uri = f"{site}/{path.relative_to(ROOT / folder).as_posix()}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
