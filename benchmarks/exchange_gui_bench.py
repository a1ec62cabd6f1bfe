"""The window's exchange speed: the merge plan of a 10,000-record bundle, the overview of 10,000 records.

    QT_QPA_PLATFORM=offscreen python benchmarks/exchange_gui_bench.py [--records 10000] [--runs 3]

Targets (issue #6): the merge plan appears within 5 s; the overview draws
within 1 s. Each figure is the wall time from the user's action (files added
to the import dialog; the home screen asked to refresh) until the result is
painted: the op off the GUI thread, the model or charts filled, and a grab()
that forces the widget to paint. The plan is measured twice: into an empty
knowledge base (every record added) and back into the knowledge base that
wrote it (every record looked up and unchanged).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core_bench import make_records

PLAN_TARGET_S = 5.0
OVERVIEW_TARGET_S = 1.0


def wait_for(app: object, signal: object, start: Callable[[], object]) -> float:
    """Seconds from ``start()`` until ``signal`` fires, with the event loop running."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(120_000, loop.quit)  # a hung op must not hang the benchmark
    began = time.perf_counter()
    start()
    loop.exec()
    signal.disconnect(loop.quit)  # type: ignore[attr-defined]
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from zebkb.service import KnowledgeBase
    from zebkb.service.exchange import export_bundle
    from zebkb.ui.app import make_context
    from zebkb.ui.core.i18n import Translator
    from zebkb.ui.core.settings import Settings
    from zebkb.ui.exchange.import_dialog import ImportDialog
    from zebkb.ui.main.overview_pane import OverviewPane

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"building a knowledge base of {args.records:,} records …", flush=True)
        began = time.perf_counter()
        source = KnowledgeBase.open(root / "source")
        source.set_home_ward("131229")
        records = make_records(args.records)
        for i in range(0, len(records), 1000):
            source.save_many(records[i : i + 1000])
        bundle = export_bundle(source, root / "all.zebkb").paths[0]
        print(
            f"  built and exported in {time.perf_counter() - began:.1f} s "
            f"({bundle.stat().st_size / 1e6:.1f} MB bundle)"
        )
        target = KnowledgeBase.open(root / "target")
        target.set_home_ward("131091")

        def plan_time(kb: KnowledgeBase) -> tuple[float, int]:
            ctx = make_context(kb, Settings(root / "bench.ini"), Translator("ja"))
            times, rows = [], 0
            try:
                for _ in range(args.runs):
                    dialog = ImportDialog(ctx)
                    dialog.show()

                    def start(dialog: ImportDialog = dialog) -> None:
                        dialog.add_files([bundle])

                    seconds = wait_for(app, dialog.plansReady, start)
                    began = time.perf_counter()
                    dialog.grab()
                    seconds += time.perf_counter() - began
                    rows = dialog.model.rowCount()
                    times.append(seconds)
                    dialog.close_plans()
                    dialog.deleteLater()
            finally:
                ctx.runner.shutdown()
            return statistics.median(times), rows

        for label, kb in (
            ("into an empty knowledge base", target),
            ("back into its source", source),
        ):
            seconds, rows = plan_time(kb)
            verdict = "ok" if seconds <= PLAN_TARGET_S else "SLOWER THAN TARGET"
            print(
                f"merge plan, {rows:,} rows, {label}: {seconds:6.2f} s "
                f"(target {PLAN_TARGET_S:.0f} s) {verdict}"
            )

        ctx = make_context(source, Settings(root / "bench.ini"), Translator("ja"))
        try:
            pane = OverviewPane(ctx)
            pane.resize(1200, 900)
            pane.show()
            times = []
            for _ in range(args.runs):
                seconds = wait_for(app, pane.refreshed, pane.refresh)
                began = time.perf_counter()
                pane.grab()
                times.append(seconds + time.perf_counter() - began)
            seconds = statistics.median(times)
            verdict = "ok" if seconds <= OVERVIEW_TARGET_S else "SLOWER THAN TARGET"
            print(
                f"overview of {source.count():,} records, counted and drawn: {seconds:6.3f} s "
                f"(target {OVERVIEW_TARGET_S:.0f} s) {verdict}"
            )
        finally:
            ctx.runner.shutdown()
        source.close()
        target.close()


if __name__ == "__main__":
    main()
