"""The synthetic generator is deterministic and its timing script runs."""

import os
import subprocess
import sys
from pathlib import Path

from matching.synthetic import generate, main


def test_same_seed_same_batch():
    assert generate(3, 40, 60) == generate(3, 40, 60)
    assert generate(3, 40, 60) != generate(4, 40, 60)


def test_benchmark_script_prints_its_figures(capsys):
    main(["--needs", "30", "--providers", "60", "--seed", "2"])
    out = capsys.readouterr().out
    for label in ("generate:", "rank x20:", "assign:", "greedy_assign:", "method="):
        assert label in out


def test_batches_and_results_do_not_depend_on_the_hash_seed():
    """String hashing differs between processes; nothing may depend on set iteration order."""
    code = (
        "from matching.synthetic import generate\nfrom matching import assign\n"
        "b = generate(3, 60, 300)\nprint(assign(b.needs, b.providers, b.config))\n"
        "print([(sorted(p.categories), sorted(p.skills), sorted(map(repr, p.certifications))) for p in b.providers])"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
