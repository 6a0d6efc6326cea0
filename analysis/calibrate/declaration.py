"""The calibrate stage, declared: are the tests calibrated on this corpus? (random labels, planted signals)."""
from ..pipeline.registry import Option, Stage

STAGE = Stage(
    "calibrate", "analysis.calibrate.stage",
    params=("calibrate.permutations", "calibrate.replicates", "random.seed", "corpus.min_confidence",
            "slogans.rule", "slogans.min_docs", "slogans.min_count",
            "keywords.period", "keywords.column", "keywords.min_count", "keywords.min_log_ratio", "keywords.top",
            "keywords.min_docs", "keywords.floor", "keywords.trend_min_docs", "keywords.trend_min_periods"),
    files=("tokens.lexicon",),
    runtime=("run.memory_gb",),
    reads=("corpus/documents.parquet", "tokens/tokens.parquet", "slogans/documents.parquet", "slogans/counts.parquet"),
    writes=("null.parquet", "planted.parquet", "summary.parquet", "summary.json"),
    run="analysis.calibrate.stage:build_calibration",
    check="analysis.text.lexicon:check_files",
    draw="analysis.publishing.draw:build_calibration_outputs",
    summary="analysis.calibrate.summary:print_calibration",
    in_figures=False,
    help="check the statistics on this corpus: random labels and planted signals",
    description="Check that the tests and intervals are calibrated on YOUR corpus. null: the province and period "
                "labels are permuted across documents and every test that decides a finding (keyness, slogan "
                "contrasts, trend classes) is rerun; about zero findings per permutation is right. planted: a "
                "synthetic token is planted into the corpus's documents at known rate ratios with document-level "
                "over-dispersion; the 95% intervals should cover the truth about 95% of the time and the false "
                "discovery rate stay under 5%. Writes calibration_summary, calibration_null (csv, tex, md) and the "
                "calibration figure to the figures folder; the report gains a Calibration section. Not run by "
                "`figures`: run it once per corpus (example: python -m analysis calibrate --permutations 10).",
    options=(Option("--permutations", "random relabellings (default: calibrate.permutations, 5)",
                    setting="calibrate.permutations"),
             Option("--replicates", "planted-signal replicates per group size (default: calibrate.replicates, 200)",
                    setting="calibrate.replicates")))
