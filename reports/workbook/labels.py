"""Fixed Japanese texts of the workbooks.

The annual report is an official Japanese document for the city council (the issue
prescribes its sheet names and headings, like the seed it reproduces), and the data
export's headings are a file format (docs/data-export.md, imports.export_contract). So these are literals,
not translated msgids: an English UI must not change what the council or the import reads.
"""

from plans.fiscal_years import era_label

COVER_SHEET = "表紙・概要"
PROJECTS_SHEET = "プロジェクト一覧"
CHART_DATA_SHEET = "グラフデータ"

REPORT_TITLE = "{strategy} {year} 進捗状況報告"
DRAFT_TITLE = "【案】{title}"  # the draft for checking, on every sheet's repeated title row
KIND = "区分"
KIND_FINAL = "確定版（作成基準日までに承認された値のみ）"
KIND_DRAFT = "案（確認用: 作成基準日時点で入力されている最新の値。承認前の値を含む）"
AS_OF = "作成基準日"
PLAN_AS_OF = "計画の時点"
ACTUALS_AS_OF = "実績の時点"
SCOPE = "対象"
WHOLE_PLAN = "計画全体"
SCOPE_ONLY = "{name}のみ"
EVALUATION_RULE = "評価の方法"
EVALUATION_RULE_TEXT = (
    "作成基準日の終わりまでに最終段階の確認で承認された実績と評価コメントのみを掲載し、"
    "承認されていない実績は「未確定」と表示して評価しない。"
    "各指標について、報告年度以前で承認済みの実績値のある最新の年度の達成率で評価した（評価年度を併記）。"
    "評価区分: {bands}、－ 評価不能（実績・予定が数値でないもの）。"
)
GRADE_BASIS = "分布の集計基準"
GRADE_BASIS_TEXT = (
    "{year}の値で評価した全指標（成果指標・KPI・活動指標）の数（ダッシュボードの同年度の評価分布と同じ基準）。"
    "作成基準日までに承認されていない実績は「未確定」として別に数えた"
    "（ダッシュボードでは、閲覧者には承認前の実績が「－」として数えられる）。"
)
BAND = "{grade} {rate}%以上"
GRADE_DISTRIBUTION = "評価の分布（{label}別）"
TOTAL = "合計"
PROJECT_COUNT = "{label}数"
LEADING_COUNT = "うちリーディング"
CHART_GRADES = "評価の分布"
PENDING = "未確定"  # an actual not approved by the last review stage as of the report's date
PENDING_TEXTS = "文章・状況の未確定"
PENDING_TEXTS_TEXT = (
    "{n}件（当年度の目標・事業総括・ステップの状況・事業の段階のうち、作成基準日までに最終段階の確認で"
    "承認されていないもの。本文では「未確定」と表示。上の評価の分布は指標の数のみ）"
)

GOAL = "{year}の目標（総括）"
SUMMARY = "{year}の事業総括"
TARGET_IMAGE = "到達像・めざす姿"
# The plan's own texts of a basic policy or a measure, as the plans head them.
PLAN_TEXTS = {
    "target_image": "到達像", "target": "めざす姿", "target_state_3y": "3年後の目指す状態",
    "current_issues": "現状（課題）", "actions": "取組内容",
    "strengths": "うまくいっていること／強み／チャンス", "weaknesses": "うまくいっていないこと／弱み／脅威",
    "approach": "取組方針", "related_plans": "関連する計画等",
}
TARGET_PARTS = "対象: {object}\n意図: {intent}"
MEASURE_TEXTS = "{label}の内容"
BASELINE = "基準値 {value} ({year})"
REVISED_MARK = "※"
REVISIONS = "※ 目標値（予定）の修正"
REVISION_NOTE = "※ {indicator}: {year}の予定を {old} から {new} に修正（{date}、理由: {reason}）"
UNCERTAIN = "※ 出典の読み取りが不確かな値"
UNCERTAIN_NOTE = "※ {indicator}（{year}）: {note}"
UNCERTAIN_INDICATOR = "指標全体"
DATE = "{d.year}年{d.month}月{d.day}日"
MEASURE_GOAL = "{year}の目標"
INDICATOR = "指標"
ROW_KIND = "区分"
PLANNED = "予定"
ACTUAL = "実績"
FORMULA = "算出式・設定根拠"
EVALUATION = "進捗状況・評価"
RATE = "達成率"
GRADE = "評価"
EVALUATED_YEAR = "評価年度"
STEPS = "{label}の進捗"
STEP_STATUS = {"done": "実施済", "current": "当年度", "planned": "予定", "considering": "検討"}
STEP_LEGEND = "凡例: 実施済 / 当年度（当年度実施） / 予定（今後予定） / 検討"
CHARTS = "指標の推移（予定・実績）"
NOTHING = "（なし）"

PROJECT_LIST_TITLE = "{label}一覧（活動指標）"
DEPARTMENT = "主体部局"
CODE = "PID"
NAME = "名称"
OVERVIEW = "概要"
LEADING = "リーディング"
LEADING_MARK = "○"
ITEM = "項目"
ACTIVITY_INDICATORS = "活動指標"
PHASES = "実施年度"
PHASE_LEGEND = "凡例: ○ 構築 / ⇒ 運用 / … 検討"
ACTUAL_SUFFIX = "実績"


def report_title(strategy: str, fiscal_year: int, *, draft: bool = False) -> str:
    """「佐世保市DX戦略 令和6年度 進捗状況報告」, 「【案】…」 for the draft for checking."""
    title = REPORT_TITLE.format(strategy=strategy, year=era_label(fiscal_year))
    return DRAFT_TITLE.format(title=title) if draft else title
