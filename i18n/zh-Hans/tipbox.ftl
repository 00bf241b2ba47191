# tipbox-review, zh-Hans.

clap-usage = 用法：
clap-options = 选项
clap-commands = 命令
clap-help = 显示帮助

## What the ledger refuses (the English is the ledger's own text).

refused-not-a-category = {$given} 不是类别：请给出类别键（小写字母、数字、连字符），如 {$keys}，或其中某一类别的完整名称
refused-not-a-department = 部门名称须为 1-100 个字符的纯文本
refused-not-a-date = {$flag} {$given} 不是日期，请写成 YYYY-MM-DD
refused-day-out-of-range = {$flag} {$given} 超出台账可记录的日期范围（{$earliest} 至 {$latest}）：请核对年份
refused-day-in-future = {$flag} {$given} 在未来（今天是 {$today}）：请给出线索实际收到的日期
refused-empty-reply = 答复内容为空
refused-empty-note = 备注内容为空
refused-empty-content = 线索内容为空
refused-summary-too-short = --summary 过短（至少 4 个字符）：请用自己的话概括线索，不要照抄原文；或不给 --summary，打印后在通知书上手写
refused-not-a-file = --attachment {$path}：不是可读取的文件
refused-linked-to-itself = 线索不能与自身串并
refused-already-transferred = 线索 {$id} 今天已移交 {$to}，未作改动（如需为其写出移交包，请给出 --recipient 和 --out）
refused-no-amount = 请给出奖励金额（元）：`reward TIP approve --amount N`
refused-amount-too-large = {$amount} 元超过 {$max} 元：请核对金额（单位为元）
refused-reward-paid = 线索 {$id} 的奖励（{$amount} 元）已于 {$on} 发放：已发放的奖励不能更改
refused-no-reward-approved = 线索 {$id} 尚未批准奖励
refused-reward-already-paid = 线索 {$id} 的奖励已于 {$on} 记为已发放，未作改动
refused-no-receipt-for-reward = 线索 {$id} 没有回执码（来源渠道：{$channel}）：奖励须凭回执码生成的领奖码领取
refused-answered-by-other-unit = 线索 {$id} 由其他单位移交而来，由该单位通过其门户答复举报人：在此发布的内容到不了举报人那里。请把要告诉举报人的内容转给该单位
refused-no-receipt = 线索 {$id} 来源渠道为 {$channel}，没有回执码，无法通过门户向举报人发布任何内容
refused-too-long-for-reporter = 给举报人的文字有 {$chars} 个字符，超过状态页可显示的 {$max} 个：请删减（是否给错了文件？）；较长的理由请写入 `note`，备注只留在台账中
refused-nothing-to-hand-over = 线索 {$id} 没有可移交的录入文字
refused-no-tip-from-portal = 本台账中没有来自门户 {$portal} 的线索
refused-no-portal-yet = 尚未从本单位的门户导入任何网上线索（其他单位移交的线索由其自行答复）：没有要发往门户的内容
refused-several-portals = 线索来自多个门户，请用 --portal 选择其一：{$portals}

## The `report` table (its words as the HTML report has them).

report-summary = 总体情况
report-summary-from = 统计起始日
report-summary-to = 统计截止日
report-summary-as_of = 截至
report-summary-total = 收集线索
report-summary-finished = 查结（含不予受理、已移交）
report-summary-stage_closed = 阶段性查结
report-summary-in_progress = 正在核查
report-summary-closure_rate = 办结率
report-summary-overdue = 逾期未办
report-summary-transfers = 移交线索
report-summary-received_from_other_units = 其他单位移交
report-rewards = 奖励
report-rewards-approved_count = 批准奖励（件）
report-rewards-approved_amount = 批准奖励（元）
report-rewards-paid_count = 已发放奖励（件）
report-rewards-paid_amount = 已发放奖励（元）
report-public_status = 举报人所见状态
report-public_status-received = 已受理
report-public_status-verifying = 核查中
report-public_status-stage-closed = 阶段性查结
report-public_status-closed = 已查结
report-public_status-not-accepted = 不予受理
report-public_status-transferred = 已移交
report-status = 台账状态
report-status-new = 新收
report-status-triaged = 已研判
report-status-assigned = 已分流
report-status-verifying = 核查中
report-status-stage-closed = 阶段性查结
report-status-closed = 已查结
report-status-not-accepted = 不予受理
report-status-transferred = 已移交
report-category = 线索类别
report-channel = 线索来源
report-channel-web = 网络举报
report-channel-phone = 电话
report-channel-letter = 来信
report-channel-visit = 来访
report-channel-mailbox = 举报信箱
report-department = 承办单位
report-week = 每周新收线索
report-transferred_to = 移交去向

## Warnings and progress.

word-warning = 提醒
warning-new-category = 没有其他线索属于类别“{$key}”，它也不是默认类别（{$keys}）：请检查拼写，报表会把每种拼写分开统计
warning-due-before-received = --due {$due} 早于线索 {$id} 的收到日期（{$received}），因此已经逾期；如果是笔误，请用正确日期重新分流
warning-transferred-nowhere = 线索 {$id} 标记为已移交，但台账没有记录移交去向：`tipbox-review transfer {$id} --to DEPT` 可记录，报表也会统计
warning-public-record-removed = 线索 {$id} 已办结，举报人所见内容最后变化于 {$day}；门户在此后 {$days} 天（其 retention_days，除非运维人员改过）删除已办结线索的公开记录：举报人很可能看不到这条内容
progress-made-private = {$folder} 原先对本机其他用户开放，现已设为仅本人可访问（权限 0700）
progress-rebuilding-summaries = 正在根据数据库重建摘要索引……
progress-waiting-for-lock = 正在等待另一个 tipbox-review 命令用完这个台账……

## Casework.

cli-triaged = 线索 {$id}：{$status}
cli-assigned = 线索 {$id} 已分流至 {$department}，办理期限 {$due}
cli-status-set = 线索 {$id}：{$before} -> {$after}（举报人所见：{$public}）
cli-replied = 给线索 {$id} 举报人的答复已加密，随下一次 `tipbox-review export` 发布
cli-noted = 已为线索 {$id} 添加备注
cli-linked = 线索 {$id} 与 {$other} 已串并
cli-already-linked = 线索 {$id} 与 {$other} 早已串并，未作改动
cli-recipient-and-out = --recipient 和 --out 须同时给出
cli-transferred = 线索 {$id} 已移交 {$department}
cli-handover-written = 移交包：{$file}（接收单位用 `tipbox-review import` 导入）
cli-add-no-content = 请用 --text 或 --text-file 给出线索内容
cli-added = 已录入线索 {$id}（{$channel}）
cli-added-with-files = 已录入线索 {$id}（{$channel}），{$files} 个附件已加密存入台账
cli-not-a-claim-token = 这不是领奖码：{$reason}
cli-claim-already-paid = {$amount} 元奖励已于 {$on} 发放：切勿重复发放
cli-claim-unpaid = {$amount} 元奖励已于 {$on} 批准，尚未发放；发放后请运行 `tipbox-review reward {$id} paid`
cli-claim-no-reward = 该线索尚未批准奖励：无需发放
cli-claim-matches = 领奖码对应线索 {$id}：{$state}
cli-claim-no-match = 领奖码与本台账中任何线索都不对应
cli-reward-not-a-tip = {$given} 不是线索编号；用法：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`
cli-reward-already-approved = 线索 {$id} 已于 {$on} 批准 {$amount} 元奖励，未作改动
cli-reward-changed = 线索 {$id} 的奖励由 {$from} 元改为 {$amount} 元
cli-reward-approved = 已为线索 {$id} 批准 {$amount} 元奖励；下一次导出后，举报人可看到奖励及领奖码
cli-reward-paid = 线索 {$id} 的奖励已记为已发放
cli-reward-usage = 用法：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`

## The errors a reviewer meets most.

error-no-such-tip = 本台账中没有线索 {$id}；`tipbox-review list` 可列出全部编号
error-not-a-ledger = {$folder} 不是 tipbox 台账（没有 keys/ 目录）。请用 `tipbox-review --ledger {$folder} init` 新建，或给出正确的 --ledger / TIPBOX_LEDGER
error-recipient-file-missing = {$folder} 中没有 recipient.txt（本单位的公钥，由 `tipbox-review init` 写出）：请把它复制到该处；演示密钥可用 `cp keys-example/*.txt {$folder}/`
error-db = 无法打开 {$folder} 中的台账数据库：{$reason}。是否有另一个 tipbox-review 命令正在使用这个台账？
error-wrong-passphrase = {$file} 的口令不正确（或该文件不是 tipbox 密钥文件）
error-key-too-open = 本机其他用户可以读取 {$file}（权限 {$mode}）；私钥必须仅本人可读。请运行：chmod 600 {$file}
