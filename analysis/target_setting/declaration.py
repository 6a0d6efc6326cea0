"""The targets stage, declared: the quantitative targets of work reports and last year's outcomes."""
from ..pipeline.registry import Stage

STAGE = Stage(
    "targets", "analysis.target_setting.stage",
    params=("targets.by", "corpus.min_confidence", "design.groups"),
    runtime=("run.memory_gb",),
    reads=("corpus/documents.parquet",),
    writes=("targets.parquet", "documents.parquet"),
    run="analysis.target_setting.stage:build_targets",
    draw="analysis.publishing.draw:build_targets_outputs",
    summary="analysis.target_setting.summary:print_targets_summary",
    findings="analysis.target_setting.summary:findings",
    report="analysis.target_setting.summary:report",
    help="the quantitative targets of work reports (预期目标: GDP growth 5%左右 …) and last year's outcomes",
    description="For every document with a targets passage (今年…主要预期目标是：…, as Government Work Reports "
                "state them): each indicator's target (GDP growth, budget revenue, investment, retail sales, "
                "trade, unemployment, new urban jobs, CPI, income, grain, energy and carbon intensity, R&D) with "
                "its low and high value, qualifier (about 左右, at_least 以上, at_most 以内, range, point, "
                "as_assigned 按国家下达, in_step 与经济增长同步), unit, stretch goal (力争) and sentence, and the "
                "outcome of last year the report states for it. Documents without a targets passage are listed "
                "with that status. Writes <data>/targets/targets.parquet and documents.parquet.")
