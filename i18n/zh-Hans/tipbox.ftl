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
refused-not-a-portal-id = {$portal} 不是门户编号（32 位小写十六进制数字，`import` 和 `tipbox-portal site` 会显示）
refused-site-with-itself = 门户不能与自身组成站点：请在 --with 后写出该站点的另一个门户
refused-in-another-site = 门户 {$portal} 已属于另一个站点（{$site}）：请先用 `tipbox-review site remove {$portal}` 将其移出
refused-other-receipt-parameters = 门户 {$portal} 派生回执密钥所用的参数（站点标识 {$portal_site}）与门户 {$with}（站点标识 {$with_site}）不同：它启动时未使用该站点的站点文件，无法应答该站点的任何回执。请在现有门户上生成站点文件（`tipbox-portal site --data DIR --out site.json`），用 `--site site.json` 和一个空的数据文件夹启动新门户，导入其第一个包，再将该门户加入（这些站点标识取自各门户自己最近一个包的自述；尚未为其包签名的门户（2026-12-08 之前的 tipbox），任何人都能以它的名义写包；若您确信无误，请从每个门户导入一个新包后重试）

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

## Import and export (src/bin/tipbox-review/exchange.rs).

cli-cannot-read = 无法读取 {$file}：{$reason}
cli-checking = 正在校验
cli-standard-input = 标准输入
cli-imported-from-handover = 其他单位的移交包（其中线索由该单位答复举报人：`export` 不包含它们）
cli-imported-from-portal = 门户 {$portal}{" "}
cli-imported = 已从{$from}导入：新线索 {$tips} 条，新补充材料 {$followups} 份，{$known} 项此前已导入
cli-handover-marks-cleared = 门户 {$portal} 的 {$tips} 条线索曾随一个自称其他单位移交包的数据包到达，被标记为该单位的线索（不导出、不答复）。这是该门户自己的数据包：这些线索属于它，标记已取消。发出那种数据包的门户可能已被他人控制：请安排检查
cli-tips-completed = 此前根据先到的补充材料建立的 {$tips} 条线索，已收到其本身的线索内容
cli-followups-left-out-not-held = 门户 {$portal} 发来 {$count} 份针对另一门户线索的补充材料，但本台账没有这些线索：未导入。它们仍留在门户上；包中其余内容不受影响。
cli-followups-left-out-outside-site = 门户 {$portal} 发来 {$count} 份补充材料，针对的是不在其站点内的门户的线索（见 `tipbox-review site list`），且未经该线索回执签名：未导入。它们仍留在门户上；若那个门户应重新归入该站点，请用 `tipbox-review site add` 加入，再导入下一个包。
cli-site-id-differs = 门户 {$portal} 的包所称的回执参数（站点标识 {$site}）与同一站点的门户 {$other}（站点标识 {$other_site}）不同。若属实，二者都无法应答对方的回执。请在门户本机上核对：`tipbox-portal site --data DIR --out -` 会显示各门户的站点标识，未用站点文件建立的门户与之不同。站点标识只是门户自己的包所称（门户为其包签名之前，即 2026-12-08 之前的 tipbox，任何人都能以它的名义写包），请勿仅凭此警告让门户退役。
cli-not-a-portal-key = {$given} 不是门户密钥：请填写门户本机上 `tipbox-portal export` 在“signed with portal key”之后显示的 64 位十六进制数字。
cli-portal-key-pinned = 门户 {$portal} 用门户密钥 {$key} 为其包签名：本台账今后只接受该门户用此密钥签名的包。请核对一次：门户上 `tipbox-portal export` 显示的是同一密钥。
cli-portal-key-replaced = 门户 {$portal} 的包签名密钥 {$old} 已按您的指示（--new-portal-key，已记入审计日志）换为 {$new}。今后用旧密钥签名的包将被拒绝。
cli-portal-unsigned = 门户 {$portal} 的包未签名：该门户运行的是 2026-12-08 之前的 tipbox。升级之前，任何能交给您包的人都能以它的名义写包。请升级它；它的第一个签名包将固定其密钥。
cli-updates-caught-up = 门户 {$portal} 已应用第 {$theirs} 号更新包，但本台账只向它导出到第 {$ours} 号。本台账比门户最后收到的内容更旧：它是从较早的备份恢复的，或是一份副本。该备份之后作出的状态变更、答复和奖励决定都不在其中；请在下一次导出前重新办理，否则举报人会看到旧的状态。下一次导出从第 {$next} 号更新包继续。
cli-followups-joined = 补充材料已并入线索 {$tips}：可用 `tipbox-review show TIP` 查看
cli-followups-joined-more = 补充材料已并入线索 {$tips} 及另外 {$more} 条：可用 `tipbox-review show TIP` 查看
cli-unproven-followups = 线索 {$tips} 含有一份无法证明来自举报人的补充材料：它没有该线索回执密钥的有效签名，可能是控制门户的人编造的。`tipbox-review show TIP` 会标出它；没有其他依据时，不要把它当作举报人的话来办理
cli-exported = 门户 {$portal} 的第 {$sequence} 号更新包：{$tips} 条线索有公开变化，{$acks} 项接收确认 -> {$file}
cli-finished-left-out = {$tips} 条已办结线索未包含在内：其公开状态早于 [publishing] finished_days
cli-site-added = 门户 {$portal} 已加入站点 {$site}：{$portals}。自下一次 `export --out-dir` 起，其中每个门户都会收到本站点线索的公开记录
cli-site-removed = 门户 {$portal} 已退出站点 {$site}：自下一次导出起，它只答复自己收到的线索
cli-site-none = 门户 {$portal} 不属于任何站点；未作更改
cli-site-list = 站点 {$site}：{$portals}
cli-site-list-empty = 尚未记录任何站点：每个门户只答复自己收到的线索

## Keys, records, terminal and files (keys.rs, records.rs, io.rs).

cli-signing-key-replaced = 签名密钥已更换；旧的验证密钥保存在 keys/{$file}。
    下一步：运行 `tipbox-review export --out FILE`，把这个更新包连同下面一行交给门户运维人员。运维人员设置 verify_key、重启门户，再应用更新包：在此之前，门户不向举报人显示任何状态。
cli-key-added-old-retired = 已添加 {$recipient}，其他接收密钥已停用（列在 keys/{$file} 中；它们的身份仍保存在 identity.age 中，用于解密此前加密给它们的内容）。门户只需配置下面几行，替换此前的全部接收密钥
cli-key-added = 已添加 {$recipient}；请用下面全部几行配置门户
cli-prompt-passphrase = 口令
cli-prompt-new-passphrase = 新口令
cli-prompt-again = 再次输入{$label}
cli-passphrase-unchanged = 新口令与当前口令相同，未作改动
cli-passphrase-changed = keys/{$identity} 和 keys/{$signing} 的口令已更改；保存在别处的副本以及此前制作的备份仍用旧口令打开：请替换这些副本，并重新制作一份备份
cli-not-an-acknowledgement = {$file} 不是受理回执：它应当是状态页显示的五行文字，从“tipbox acknowledgement v1”到“signature: ...”
cli-ack-key-given = 所给的验证密钥
cli-ack-key-current = 本单位当前的密钥
cli-ack-key-earlier = 本单位此前的密钥（已更换）
cli-no-verify-key = 没有验证密钥：请用 --verify-key KEY 给出本单位的验证密钥，或在本单位的台账中运行（{$folder} 中没有 keys/{$file}）
cli-ack-holds = 受理回执有效，由{$which}签名：单位 {$office}，编号 {$number}，收到日期 {$received}
cli-ack-does-not-hold = 受理回执无效：签名不是本单位的（或其中某一行被改动过）
cli-backup-needs-out = 请用 --out FILE 给出备份文件的路径
cli-backup-written = 备份已写入 {$file}：线索 {$tips} 条，文件 {$files} 个，数据树 {$trees} 个，{$size}；用当前口令恢复；请把副本存放在本机以外的地方
cli-backup-ok = 备份完好：制作于 {$made}，线索 {$tips} 条，文件 {$files} 个，数据树 {$trees} 个，{$size}，{$by}
cli-restored = 已从制作于 {$made} 的备份把 {$tips} 条线索恢复到 {$folder}，{$by}；`tipbox-review audit verify` 校验通过
cli-audit-intact = 审计日志完整：共 {$entries} 条记录
cli-backup-unauthenticated = 未经认证（格式 1），因给出 --accept-unauthenticated 而接受
cli-backup-authenticated = 已由本单位身份认证
cli-cannot-read-identity = 无法读取身份文件 {$file}：{$reason}
cli-not-an-identity-file = {$file} 不是 age 身份文件
cli-no-identity = {$file} 中没有任何身份
cli-backup-carries-no-keys = {$file} 不带本单位密钥（2026-12-01 之前制作的备份都不带）：请用 --identity 给出本单位身份文件的副本，例如 --identity /media/keys/identity.age
cli-backup-wrong-passphrase = 这个口令打不开 {$file} 所带的本单位密钥：它们要用制作备份时本单位的口令打开（如果口令此后没有改过，这份备份就不是本单位制作的）。也可以用 --identity 给出本单位身份文件的副本
cli-what-backup = 备份
cli-what-handover = 移交包
cli-checking-backup = 正在校验备份
cli-checking-then-restoring = 正在校验，随后恢复
cli-resealing = 正在为接收单位重新加密线索
cli-counting = 正在统计
cli-not-utf8 = {$what} 不是 UTF-8 文本。在 Windows 上以 ANSI（GBK）保存的文件可以先转换：iconv -f GBK -t UTF-8 FILE > FILE.utf8.txt（或在编辑器中另存为 UTF-8）
cli-file-only = {$what}只能写入文件（先确保写入磁盘，再赋予文件名），不能写到标准输出：请给出文件名
cli-stdout-failed = 写入标准输出失败：{$reason}
cli-inside-ledger = {$file} 位于台账目录 {$ledger} 之内：请写到别处（移动存储介质，或单独的文件夹）
cli-public-note-blank = 给举报人的说明是空白的：请填写说明，或不加 --public-note
cli-cannot-write = 无法写入 {$file}：{$reason}
cli-cannot-read-passphrase-file = 无法读取口令文件 {$file}：{$reason}
cli-cannot-read-passphrase-tty = 无法读取口令：{$reason}（在脚本中请用 --passphrase-file）
cli-cannot-read-passphrase = 无法读取口令：{$reason}
cli-passphrases-differ = 两次输入的口令不一致，未作改动
cli-passphrase-too-short = 口令至少要有 8 个字符

## Errors beneath the ledger (src/bin/tipbox-review/i18n/errors.rs; English is each error's own text).

error-bundle-refused = {$reason}。未导入任何内容
error-db-damaged = {$folder} 中的台账数据库已损坏（{$reason}）。请先把该文件夹原样保留一份，再把最近的备份恢复到一个新文件夹：`tipbox-review restore FILE --ledger NEW_FOLDER`
error-db-op = 台账数据库操作失败：{$reason}
error-io = 无法读写 {$file}：{$reason}
error-config = {$file} 无效：{$reason}
error-item-not-ours = 数据包中的条目 {$item} 无法用本单位的密钥打开（它加密给了密钥组 {$keys}）。是否加密给了其他单位？未导入任何内容
error-bad-item = 数据包中的条目 {$item} 不是有效的加密线索（{$reason}）。未导入任何内容
error-second-tip-item = 数据包中的条目 {$item} 是线索 {$id} 的第二份线索内容，而该线索本身的内容已由此前的导入（或本数据包）取得。数据包只能向台账添加新线索和补充材料，绝不能替换线索第一份内容所确定的东西：其密钥、类别、内容和日期。未导入任何内容。正常的门户不会写出这种条目：请把数据包留作证据，安排检查门户，并阅读 SECURITY.md 中“What a hostile portal can and cannot do”一节
error-damaged-item = 台账中的加密条目 {$item} 已损坏（{$reason}）；请恢复最近的备份
error-cannot-open-item = 台账中的加密条目 {$item} 无法用这些密钥打开（它加密给了密钥组 {$keys}）：文件已损坏，或打开它的密钥不在 keys/ 中；请恢复最近的备份
error-seal = 加密失败：{$reason}
error-summary-index-damaged = {$folder} 中的摘要索引已损坏；请删除该文件夹，再运行一次命令即可重建
error-note-damaged = 一条加密备注已损坏
error-note-not-opened = 一条加密备注无法用这些密钥打开
error-note-not-text = 一条加密备注不是文本
error-identity-missing-for = keys/recipient.txt 列出了 {$recipient}，但 keys/identity.age 中没有对应的身份；加密给它的备份将无法认证。请从备份恢复 keys/，或运行 `tipbox-review init --add-key --retire-old`
error-not-an-identity-file = {$file} 不是身份文件；请从备份恢复 keys/
error-file-changed-during-backup = 备份过程中 {$file} 发生了变化
error-ledger-changed-during-backup = 备份过程中台账发生了变化
error-restore-target-not-empty = {$folder} 不是空文件夹：只能恢复到空的或新的文件夹，绝不能覆盖已有台账
error-generated-out-of-order = 生成的条目 {$id} 与台账的编号（{$next}）不衔接
error-update-bundle-too-large = 更新包将达到 {$mib} MiB，超过门户可接受的 {$max} MiB：请调低 {$file} 中 [publishing] 下的 `finished_days`（现为 {$days}），缩短已办结线索的发送期限
error-key-exists = {$file} 已存在；不会覆盖密钥。请换一个文件夹，或先把旧密钥移走
error-key-excessive-work = {$file} 要求的口令计算量（scrypt 2^{$required}）超过 tipbox 接受的上限（2^{$max}）；它不是 tipbox 写出的：请使用本单位自己的密钥文件
error-key-damaged = {$file} 已损坏：能解密，但其中没有有效的密钥
error-bad-recipient = “{$given}”不是 age 接收密钥；它应当形如 age1...，即 `tipbox-review init` 打印的那样
error-bad-verify-key = “{$given}”不是验证密钥；它应当是 64 个十六进制字符，即 `tipbox-review init` 打印的那样
error-not-a-bundle = 这不是 tipbox 的 {$kind} 数据包（文件拿错了？）
error-bundle-version = 本机的 tipbox 不支持数据包格式版本 {$version}；请升级本机的 tipbox
error-bundle-truncated = 数据包不完整：请从来源重新复制（U 盘是否拔得太早？）
error-bundle-checksum = 数据包已损坏（校验和不符）：请从来源重新复制
error-bundle-malformed = 数据包格式错误：{$reason}
error-portal-key-differs = 此包以门户 {$portal} 的名义写成，用门户密钥 {$given} 签名，但本台账认定该门户的密钥是 {$pinned}（在其第一个签名包时固定）。要么是别人（另一个门户，或交给您文件的人）以该门户的名义写了它，要么是该门户丢失了密钥文件并生成了新密钥。未导入任何内容。请在门户本机上运行 `tipbox-portal export`，它会显示其签名用的密钥：只有显示为 {$given} 时，才用 `--new-portal-key {$given}` 重新导入；否则请把包留作证据，并安排检查门户
error-portal-bundle-unsigned = 此包以门户 {$portal} 的名义写成，但未签名，而该门户会为其包签名（本台账已固定其密钥 {$pinned}）。要么是别人以该门户的名义写了它，要么是该门户又运行了旧版 tipbox。未导入任何内容。请从门户本机取包，并使用 2026-12-08 或之后的 tipbox
error-new-portal-key-not-this = 已给出 --new-portal-key {$expected}，但此包是用门户密钥 {$signed} 签名的。未导入任何内容。请填写写出此包的门户上 `tipbox-portal export` 显示的密钥
error-new-portal-key-unsigned = 已给出 --new-portal-key {$expected}，但此包未签名。未导入任何内容。请填写写出此包的门户上 `tipbox-portal export` 显示的密钥
error-bundle-bad-signature = 数据包的门户签名无效：它在门户签名后被改动过，或是伪造的。请从门户重新复制；若仍被拒绝，请把它留作证据，并安排检查门户
error-bundle-io = 读取数据包失败：{$reason}
error-backup-not-ours = 无法用这个身份打开备份（它是本单位的备份吗？--identity 给对了吗？）
error-not-a-backup = 这不是 tipbox 备份（文件拿错了？）
error-backup-version = 不支持备份格式版本 {$version}；请升级 tipbox
error-backup-damaged = 备份不完整或已损坏；请使用另一份副本
error-backup-bad-path = 备份中含有不安全或未知的路径；拒绝使用
error-backup-checksum = 备份的校验和不符；请使用另一份副本
error-backup-unauthenticated = 这份备份制作于备份开始认证之前（格式 1），无法看出是谁制作的；如果确定它是本单位自己的，请加上 --accept-unauthenticated
error-backup-not-authenticated-for-us = 这份备份中没有任何东西表明它是本单位制作的（它对所给的身份没有认证）：它可能是伪造的；不要恢复它
error-backup-bad-authentication = 备份的认证不符：它在制作之后被改动或伪造过；请使用另一份副本
error-backup-carried-keys-replaced = 这份备份所带的本单位密钥与其中的 keys/identity.age 不一致：它们在备份制作之后被替换过，这个文件不是本单位制作的那份备份。不要恢复它：请使用另一份副本
error-audit-io = 无法写入审计日志 {$file}：{$reason}
error-audit-broken = 审计日志第 {$line} 行（第 {$entry} 条记录）无效：{$reason}

## Reading tips, search, report, the program itself (show.rs, list.rs, main.rs).

word-yes = 是
word-no = 否
show-head = 线索 {$id}  收到日期 {$received}  来源 {$channel}{$handed_over}
show-handed-over = {"  "}由其他单位移交（由该单位答复举报人）
show-status = 状态：{$status}（举报人所见：{$public}）  承办单位：{$department}  办理期限：{$due}
show-category = 类别：{$category}  优先级：{$priority}  可信度：{$credibility}  希望获得奖励：{$reward}
show-links = 串并线索：{$tips}
show-transferred = 已于 {$day} 移交 {$to}
show-item-tip = 线索
show-item-followup = 补充材料
show-proof-holder = 是否来自回执码持有人：是（以该线索回执码派生的密钥签名）
show-proof-not-proven = 是否来自回执码持有人：无法证明。它没有该线索回执密钥的有效签名，可能是控制门户的人添加的：不要把它当作举报人的话
show-proof-unchecked = 是否来自回执码持有人：无法核验（该线索早于补充材料开始签名之时）
show-attachment = 附件 {$number}：{$name}（{$size} 字节，{$kind}）{$metadata}{$written}
show-unknown-type = 类型不明
show-metadata-removed = ，已去除元数据
show-metadata-kept = ，按原样保存：可能带有元数据
show-end-holder = --- 补充材料结束：来自回执码持有人 ---
show-end-not-proven = --- 补充材料结束：无法证明来自回执码持有人 ---
show-end-unchecked = --- 补充材料结束：无法核验 ---
show-text-note = 备注
show-text-content = 内容
show-text-public-note = 公开说明
show-text-reply = 给举报人的答复
show-text-summary = 摘要（督办通知）
show-empty-lines = {$lines} 个空行
cli-cannot-create = 无法创建 {$file}：{$reason}
cli-cannot-create-attachment = 无法创建 {$file}（{$reason}）；请使用一个空文件夹
cli-search-empty = 请给出要查找的文字
cli-searching = 正在查找
cli-matched-in = 匹配位置：{$fields}
cli-tips-found = 找到 {$tips} 条线索
cli-report-not-a-date = {$given} 不是日期；请写成 YYYY-MM-DD
cli-report-from-after-to = --from {$from} 晚于 --to {$to}：统计期间为空
cli-report-render-failed = 生成报表失败：{$reason}
cli-report-written = 报表已写入 {$file}
cli-core-dumps = 无法关闭核心转储：{$reason}

## The reviewer's desk (src/bin/tipbox-review/desk/, templates/desk/).

desk-not-loopback = 工作台只在本机监听：{$address} 不是本机回环地址（请用 127.0.0.1:PORT）
desk-bad-lock-after = --lock-after-minutes 须为 1 至 1440
desk-cannot-start = 工作台无法启动：{$reason}
desk-cannot-listen = 工作台无法在 {$address} 监听：{$reason}
desk-locks-after = 本单位密钥在 {$minutes} 分钟不用后重新锁定
desk-stopped = 工作台已停止
desk-open-it = 请在本机浏览器中打开上面的地址
desk-title = tipbox 工作台
desk-language = 语言
desk-unlock-title = 解锁本单位密钥
desk-unlock-intro = 工作台用本单位密钥解密线索。请输入口令；一段时间不用，或点击“锁定”，密钥会重新锁定。
desk-passphrase = 口令
desk-unlock = 解锁
desk-wrong-passphrase = 口令不正确，请重试。
desk-lock = 锁定
desk-ledger-title = 线索台账
desk-count-total = 收集
desk-count-finished = 查结
desk-count-stage-closed = 阶段性查结
desk-count-in-progress = 正在核查
desk-count-overdue = 逾期
desk-status = 状态
desk-any = （全部）
desk-category = 类别
desk-channel = 来源
desk-department = 承办单位
desk-overdue-only = 只看逾期
desk-search = 查找内容
desk-apply = 显示
desk-shown = 共 {$tips} 条线索
desk-id = 编号
desk-received = 收到日期
desk-due = 办理期限
desk-overdue = 逾期
desk-pages = 分页
desk-previous = 上一页
desk-next = 下一页
desk-page-of = 第 {$page} 页，共 {$pages} 页
desk-tip-title = 线索 {$id}
desk-back = 返回台账
desk-public-status = 举报人所见
desk-links = 串并线索
desk-attachments = 附件
desk-bytes = {$size} 字节
desk-metadata-removed = 已去除元数据
desk-metadata-kept = 按原样保存：可能带有元数据
desk-attachments-hint = 附件不会在浏览器中打开。如需查看，请写入文件夹（写出的是解密后的文件：请用本机上只有本单位使用的文件夹，不要写到要交给别人的移动存储介质），并谨慎打开。
desk-write-attachments = 把附件写入文件夹
desk-folder = 文件夹
desk-do-write-attachments = 写入
desk-attachments-written = 已将 {$files} 个附件写入 {$folder}：
desk-notes = 备注和答复
desk-history = 办理记录（审计日志）
desk-when = 时间
desk-who = 人员
desk-action = 操作
desk-detail = 详情
desk-not-found = 没有这个页面或线索。
desk-field-unknown = 字段 {$name}（不是表单中的字段）
desk-not-a-file = 这不是文件（而是文件夹、管道或设备）：请填写文件的完整路径。
desk-form-too-large = 表单内容过大（最多 4 MiB）。请缩短内容，或将长文分几次作为备注录入。
desk-form-unreadable = 工作台无法读取此表单。请返回后重新提交。
desk-received-from = 收到日期自
desk-received-to = 收到日期至
desk-not-a-day = 日期格式不对，请写成 YYYY-MM-DD。
desk-add-title = 录入线索
desk-add-text = 举报内容（来电、来信、来访所述）
desk-add-files = 随附文件（本机上的完整路径，每行一个）
desk-add-hint = 收到日期：留空为今天。文件加密存入台账，原文件保留原处。
desk-do-add = 录入
desk-backup = 备份台账
desk-backup-hint = 备份以本单位密钥加密；请与本机分开保存。
desk-do-backup = 备份
desk-verify-backup = 核验备份
desk-do-verify-backup = 核验
desk-verify-audit = 核验审计日志
desk-verify-audit-hint = 核验每条记录的哈希链：记录被改动或删除即可发现。
desk-do-verify-audit = 核验
desk-keys = 本单位密钥
desk-recipients = 加密公钥（供门户网站使用）
desk-verify-key = 验证公钥（供门户网站和举报人使用）
desk-change-passphrase = 修改口令
desk-current-passphrase = 当前口令
desk-new-passphrase = 新口令（至少 8 个字符）
desk-new-passphrase-again = 再次输入新口令
desk-do-change-passphrase = 修改
desk-add-key = 新增本单位身份密钥（密钥轮换）
desk-retire-old = 只加密给新身份（停用旧身份）
desk-add-key-hint = 完成后请把新的加密公钥（见上）提供给门户网站。
desk-do-add-key = 新增
desk-new-signing-key = 更换签名密钥
desk-new-signing-key-hint = 旧验证公钥保留为已停用，其签发的受理回执仍可核验。
desk-do-new-signing-key = 更换
desk-notice = 交办单（可打印）
desk-notice-summary = 交办单上的线索摘要（留空则留出手写栏）
desk-notice-hint = 开具时即占用交办单编号（记入台账），随后打开可打印的页面。
desk-do-notice = 开具交办单
desk-transfer = 移送其他单位
desk-transfer-to = 接收单位
desk-transfer-recipient = 对方的 age 公钥（用于移交包）
desk-transfer-file = 移交包文件
desk-transfer-hint = 填写公钥和文件时，线索材料重新加密给对方并写入该文件；都不填则只登记移送。
desk-do-transfer = 移送
desk-not-a-choice = 这不是可选的项目之一。
desk-field-missing = 请填写内容。
desk-not-an-absolute-path = 请填写本机上文件的完整路径，以 / 开头（例如 /media/usb/inbox.tbx）。
desk-not-a-number = 请填写数字（只用阿拉伯数字）。
desk-warning = 注意
desk-casework = 办理
desk-triage = 研判
desk-priority = 优先级
desk-credibility = 可信度
desk-unchanged = （不变）
desk-do-triage = 保存研判
desk-assign = 交办
desk-due-hint = 办理期限：留空则按本单位的默认期限（ledger.toml）。
desk-do-assign = 交办
desk-set-status = 办理状态
desk-public-note = 给举报人的说明（随状态公开）
desk-public-note-hint = 举报人凭回执码在下次更新后可见。请勿在此写内部备注。
desk-do-status = 更新状态
desk-reply = 答复举报人
desk-reply-text = 答复
desk-reply-hint = 随下一个更新包发往门户网站。
desk-do-reply = 发送答复
desk-note = 内部备注
desk-note-text = 备注（不向举报人公开）
desk-do-note = 添加备注
desk-link = 串并线索
desk-link-other = 另一条线索的编号
desk-do-link = 串并
desk-reward = 举报奖励
desk-reward-amount = 金额（元）
desk-do-approve = 批准奖励
desk-reward-paid = 奖励已发放
desk-reward-paid-hint = 仅在凭举报人的领奖凭证当面发放后登记。
desk-do-paid = 登记为已发放
desk-office-title = 本单位
desk-import = 导入数据包（从移动存储介质）
desk-file = 文件
desk-import-hint = 门户网站的收件包，或其他单位的移交包。
desk-do-import = 导入
desk-export = 导出更新包（到移动存储介质）
desk-portal = 门户网站
desk-export-hint = 填写文件：导出一个门户网站的更新包（台账从多个门户网站导入时须填写门户网站）；填写文件夹：为站点的每个门户网站各导出一个 门户编号.tbu。
desk-do-export = 导出
desk-claim = 现场领奖核验
desk-claim-token = 举报人出示的领奖凭证
desk-do-claim = 核验
desk-report = 统计报表
desk-from = 起始日期
desk-to = 截止日期
desk-format = 格式
desk-format-html = 网页（可打印）
desk-do-report = 生成报表
desk-priority-high = 高
desk-priority-normal = 中
desk-priority-low = 低
desk-credibility-high = 高
desk-credibility-medium = 中
desk-credibility-low = 低
desk-credibility-unknown = 不明
desk-reward-none = 无
desk-reward-approved = {$amount} 元，{$on} 批准，尚未发放
desk-reward-is-paid = {$amount} 元，{$on} 已发放

## The `list` table (list.rs).

list-overdue-warning = 提醒：{$tips} 条线索已超过期限（tipbox-review list --overdue）
list-head-id = 编号
list-head-received = 收到日期
list-head-channel = 来源
list-head-category = 类别
list-head-status = 状态
list-head-due = 期限
list-head-department = 承办单位
list-count = 共 {$tips} 条线索

## The command line's help (cli.rs), by the command's path: help-COMMAND[-long|-arg-ARG].

help =
    tipbox 审核人员命令行程序，在离线电脑上使用
help-after =
    退出码：0 表示成功；1 表示核验未通过（audit verify、reward verify、backup verify、verify-acknowledgement）；2 表示用法或输入错误（包括口令错误）。
help-arg-ledger =
    台账文件夹
help-arg-passphrase_file =
    从这个文件读取口令，不再提示输入（供脚本使用）
help-arg-reviewer =
    记入审计日志的审核人员姓名 [默认：$USER]
help-arg-lang =
    程序的帮助、提示信息和表格所用的语言：en、zh-Hans 或 zh-Hant [默认：系统区域设置的语言，没有则为 en]；也决定 HTML 报表的语言 [此处默认：zh-Hans]
help-init =
    建立台账，生成本单位的 age 身份和签名密钥（均用口令加密），并输出门户需要的两行
help-init-long =
    建立台账，生成本单位的 age 身份和签名密钥（均用口令加密），并输出门户需要的两行。
    
    对已有台账加 --add-key：新增一个 age 身份（用于密钥轮换，或增加一个接收密钥）；加密给旧身份的线索仍可读取。加 --new-signing-key：更换签名密钥（密钥已泄露，或知道口令的人员已调离）。
    
    示例：tipbox-review --ledger /srv/ledger init;  tipbox-review init --add-key
help-init-arg-retire_old =
    与 --add-key 一起使用：从此只加密给新身份（旧身份可能已被复制）。旧身份仍保留在 identity.age 中，用于读取此前加密给它们的内容；此后交给门户的只能是新的接收密钥那一行
help-init-arg-new_signing_key =
    把本单位的签名密钥换成新的。随后须把新的验证密钥那一行交给门户，下一个更新包会为每条线索的状态重新签名；旧的验证密钥移入 keys/retired-verify-keys.txt
help-passphrase =
    更改保护本单位身份和签名密钥的口令（知道口令的人员已调离，或口令可能已被他人看到）。先要求输入当前口令，再输入两次新口令。存放在别处的 identity.age 副本，以及此前制作的备份所带的密钥，仍使用旧口令：请替换这些副本，并重新制作一份备份
help-passphrase-long =
    更改保护本单位身份和签名密钥的口令（知道口令的人员已调离，或口令可能已被他人看到）。先要求输入当前口令，再输入两次新口令。存放在别处的 identity.age 副本，以及此前制作的备份所带的密钥，仍使用旧口令：请替换这些副本，并重新制作一份备份。
    
    示例：tipbox-review passphrase
help-passphrase-arg-new_passphrase_file =
    从这个文件读取新口令，不再提示输入（供脚本使用）
help-import =
    导入门户的收件包，或其他单位用 `transfer --recipient` 写出的移交包。重复导入不会产生任何变化
help-import-long =
    导入门户的收件包，或其他单位用 `transfer --recipient` 写出的移交包。重复导入不会产生任何变化。
    
    示例：tipbox-review import /media/usb/inbox-2026-11-22.tbx; zstd -dc inbox.tbx.zst | tipbox-review import -
help-import-arg-file =
    收件包文件；写 `-` 表示从标准输入读取
help-import-arg-new_portal_key =
    接受此包签名密钥（64 位十六进制数字）作为该包门户的密钥，取代台账已固定的密钥：仅在门户本机上 `tipbox-portal export` 显示了该密钥之后使用（门户丢失了密钥文件）。记入审计日志
help-list =
    列出线索：逾期的排在最前，其余按最近的期限排列；不解密，不需要口令
help-list-long =
    列出线索：逾期的排在最前，其余按最近的期限排列；不解密，不需要口令。
    
    示例：tipbox-review list --overdue;  tipbox-review list --status assigned --json
help-list-arg-category =
    类别键或默认类别的完整名称，写法与 `triage` 相同
help-list-arg-overdue =
    只列出已超过期限的线索
help-show =
    解密并显示一条线索，连同其补充材料和备注
help-show-long =
    解密并显示一条线索，连同其补充材料和备注。
    
    示例：tipbox-review show 12 --attachments-to ./case-12
help-show-arg-attachments_to =
    把附件写入文件夹 DIR，文件名由 tipbox 选定（本程序从不打开附件）
help-triage =
    线索研判：设定线索的类别、优先级和可信度
help-triage-long =
    线索研判：设定线索的类别、优先级和可信度。
    
    示例：tipbox-review triage 12 --priority high --credibility medium --category loan-shark
help-triage-arg-category =
    类别键（如 loan-shark），或门户上显示的默认类别完整名称（如 套路贷、非法高利放贷、暴力催收）
help-assign =
    把线索分流/转办给一个部门，并设定核查期限
help-assign-long =
    把线索分流/转办给一个部门，并设定核查期限。
    
    示例：tipbox-review assign 12 --to 县公安局 --due 2026-12-31
help-assign-arg-due =
    YYYY-MM-DD [默认：今天加上 ledger.toml 中的 verify_days 天]
help-status =
    设置线索的台账状态
help-status-long =
    设置线索的台账状态。
    
    示例：tipbox-review status 12 verifying --public-note "已转相关部门核查"
help-status-arg-public_note =
    给举报人的简短说明，随状态一起发布（审核人员的内部备注从不发布）；写 `-` 则从标准输入读取
help-reply =
    答复举报人：加密给该线索的答复密钥（只有回执码能打开），随下一次 `export` 发布
help-reply-long =
    答复举报人：加密给该线索的答复密钥（只有回执码能打开），随下一次 `export` 发布。
    
    示例：tipbox-review reply 12 --message "感谢您的举报，线索已转办，请耐心等待。"
help-reply-arg-message =
    答复内容；写 `-` 则从标准输入读取
help-reward =
    举报奖励：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`（领奖码相符时退出码为 0 并显示线索编号，否则为 1）
help-reward-long =
    举报奖励：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`（领奖码相符时退出码为 0 并显示线索编号，否则为 1）。
    
    示例：tipbox-review reward 12 approve --amount 5000;  tipbox-review reward verify "1234 5678 ..."
help-reward-arg-first =
    TIP（线索编号），或 `verify`
help-reward-arg-second =
    `approve` 或 `paid`（跟在 TIP 后面），或领奖码（跟在 `verify` 后面）
help-reward-arg-amount =
    奖励金额，单位为元（与 approve 一起使用）
help-export =
    为门户写出签名的更新包：公开状态和说明、答复、奖励决定，以及对已导入条目的接收确认（这些条目在门户最近一个收件包中仍有保存，门户收到确认后将其删除）。其他单位移交来的线索不包含在内：由那些单位答复各自的举报人
help-export-long =
    为门户写出签名的更新包：公开状态和说明、答复、奖励决定，以及对已导入条目的接收确认（这些条目在门户最近一个收件包中仍有保存，门户收到确认后将其删除）。其他单位移交来的线索不包含在内：由那些单位答复各自的举报人。
    
    使用 --out-dir 时：为台账答复的每个门户各写出一个更新包，文件为 DIR/PORTAL_ID.tbu；站点中的门户还会收到本站点其他线索的公开记录。
    
    示例：tipbox-review export --out /media/usb/update.tbu；tipbox-review export --out-dir /media/usb/updates
help-export-arg-out =
    更新包的写出位置（写 `-` 表示输出到标准输出）
help-export-arg-portal =
    门户编号，线索来自多个门户时使用
help-export-arg-out_dir =
    为台账答复的每个门户各写出一个更新包，放在此文件夹中，文件名为 PORTAL_ID.tbu
help-site =
    哪些门户共用一个公开地址（站点，位于 Onionbalance 或负载均衡之后）：由本单位决定。站点中的每个门户都会在更新包中收到本站点线索的公开记录，因此每个回执码在每个门户上都能使用；为其他门户的线索提交的补充信息会并入该线索。门户须先用其站点文件（`tipbox-portal site`）创建，再加入站点
help-site-long =
    哪些门户共用一个公开地址（站点，位于 Onionbalance 或负载均衡之后）：由本单位决定。站点中的每个门户都会在更新包中收到本站点线索的公开记录，因此每个回执码在每个门户上都能使用；为其他门户的线索提交的补充信息会并入该线索。门户须先用其站点文件（`tipbox-portal site`）创建，再加入站点。
    
    示例：tipbox-review site add NEW_PORTAL_ID --with FIRST_PORTAL_ID；tipbox-review site list；tipbox-review site remove OLD_PORTAL_ID
help-site-add =
    将一个门户加入台账已答复的某个门户所在的站点（记入审计日志）
help-site-add-arg-portal =
    加入的门户（其编号，`tipbox-portal site` 或 `import` 会显示）
help-site-add-arg-with =
    它所加入站点中的一个门户
help-site-remove =
    将一个门户移出其站点（记入审计日志）：此后它只答复自己收到的线索
help-site-remove-arg-portal =
    移出的门户
help-site-list =
    列出各站点及其门户
help-note =
    添加内部备注（加密保存，从不公开）。TEXT 写 `-` 则从标准输入读取，这样内容不会留在 shell 的历史记录文件中
help-note-long =
    添加内部备注（加密保存，从不公开）。TEXT 写 `-` 则从标准输入读取，这样内容不会留在 shell 的历史记录文件中。
    
    示例：tipbox-review note 12 "与第7号线索涉及同一工地"
help-link =
    串并：把两条相关线索关联起来
help-link-long =
    串并：把两条相关线索关联起来。
    
    示例：tipbox-review link 12 7
help-transfer =
    把线索移交其他单位，如把涉及公职人员的线索移交纪委监委；加 --recipient 时，还写出一个加密给该单位密钥的移交包（网上举报的线索连同其补充材料，或录入的线索连同其文件），由该单位导入
help-transfer-long =
    把线索移交其他单位，如把涉及公职人员的线索移交纪委监委；加 --recipient 时，还写出一个加密给该单位密钥的移交包（网上举报的线索连同其补充材料，或录入的线索连同其文件），由该单位导入。
    
    示例：tipbox-review transfer 12 --to 县纪委监委 --recipient age1... --out handover-12.tbx
help-transfer-arg-recipient =
    接收单位的 age 接收密钥
help-transfer-arg-out =
    移交包的写出位置（与 --recipient 一起使用）
help-add =
    录入通过电话、来信、来访或举报信箱收到的线索
help-add-long =
    录入通过电话、来信、来访或举报信箱收到的线索。
    
    示例：tipbox-review add --channel letter --category village-tyrant --text-file letter.txt --attachment scan-1.jpg
help-add-arg-category =
    类别键或默认类别的完整名称，写法与 `triage` 相同
help-add-arg-received =
    YYYY-MM-DD [默认：今天]
help-add-arg-text =
    线索内容
help-add-arg-text_file =
    从文件读取线索内容（写 `-` 表示从标准输入读取）
help-add-arg-attachments =
    随线索收到的文件（来信扫描件、照片）；有多个文件时重复使用此选项。文件原样加密存入台账（从不打开），与网上举报线索的附件相同
help-search =
    查找解密后内容（文字字段、附件名、录入的线索、备注）中包含 TEXT 的线索，不区分大小写和全角半角（１３８ 能找到 138）。只在内存中解密
help-search-long =
    查找解密后内容（文字字段、附件名、录入的线索、备注）中包含 TEXT 的线索，不区分大小写和全角半角（１３８ 能找到 138）。只在内存中解密。
    
    示例：tipbox-review search 非法采砂 --json  （TEXT 写 `-` 则从标准输入读取）
help-notice =
    为承办部门生成可打印的督办通知书：通知书编号、审核人员对线索的摘要（从不包含举报原文）、办理期限、密级标志。记入台账和审计日志
help-notice-long =
    为承办部门生成可打印的督办通知书：通知书编号、审核人员对线索的摘要（从不包含举报原文）、办理期限、密级标志。记入台账和审计日志。
    
    示例：tipbox-review notice 12 --to 县公安局 --summary "反映某村村霸强占集体土地" --out notice-12.html
help-notice-arg-summary =
    您对线索的摘要，措辞不得暴露举报人身份（写 `-` 则从标准输入读取）。不给摘要时，通知书上留一个空白框，供手写摘要；线索原文从不写入通知书
help-notice-arg-due =
    YYYY-MM-DD [默认：该线索分流时设定的办理期限，没有则为今天加上 verify_days 天]
help-notice-arg-out =
    通知书文件（HTML，可用 A4 纸打印；写 `-` 表示输出到标准输出）
help-report =
    只根据台账字段统计（从不涉及线索内容）：按状态、类别、来源渠道和承办部门分别合计，以及办结率、每周新收线索、逾期、移交、奖励
help-report-long =
    只根据台账字段统计（从不涉及线索内容）：按状态、类别、来源渠道和承办部门分别合计，以及办结率、每周新收线索、逾期、移交、奖励。
    
    示例：tipbox-review report --from 2026-01-01 --to 2026-06-30; tipbox-review report --format html --out report.html;  tipbox-review report --format csv --out report.csv
help-report-arg-from =
    统计起始日（YYYY-MM-DD），含当天
help-report-arg-to =
    统计截止日（YYYY-MM-DD），含当天
help-report-arg-out =
    写入文件 FILE，而不是输出到标准输出
help-backup =
    为整个台账制作一致的加密快照（加密给本单位的接收密钥，并用本单位身份认证：需要输入口令）；或用 `backup verify FILE` 核验一份备份，而不恢复它
help-backup-long =
    为整个台账制作一致的加密快照（加密给本单位的接收密钥，并用本单位身份认证：需要输入口令）；或用 `backup verify FILE` 核验一份备份，而不恢复它。
    
    示例：tipbox-review backup --out /media/backup/ledger-2026-11-22.tbk; tipbox-review backup verify /media/backup/ledger-2026-11-22.tbk
help-backup-arg-out =
    备份的写出位置
help-backup-verify =
    完整核验一份备份，并核验它确由本单位制作，不恢复
help-backup-verify-arg-identity =
    本单位身份 [默认：台账中的 keys/identity.age；没有台账时，用备份所带的密钥]
help-backup-verify-arg-accept_unauthenticated =
    也接受备份开始认证之前制作的备份（格式 1，2026-11-30 以前）：没有任何依据表明它是本单位制作的。只用于您确定来源的文件
help-restore =
    把备份恢复到空文件夹或新文件夹（--ledger DIR）；绝不覆盖已有台账。备份带有本单位密钥，这些密钥用制作备份时的口令加密：恢复时要求输入那个口令，此外不需要任何东西
help-restore-long =
    把备份恢复到空文件夹或新文件夹（--ledger DIR）；绝不覆盖已有台账。备份带有本单位密钥，这些密钥用制作备份时的口令加密：恢复时要求输入那个口令，此外不需要任何东西。
    
    示例：tipbox-review restore ledger-2026-11-22.tbk --ledger /srv/ledger-restored
help-restore-arg-identity =
    用这个身份打开备份，而不用备份所带的密钥：可以是用口令保护的 identity.age，也可以是未加密的 age 身份文件。2026-12-01 以前制作的备份不带密钥，必须使用此选项
help-restore-arg-accept_unauthenticated =
    也接受备份开始认证之前制作的备份（格式 1，2026-11-30 以前）：没有任何依据表明它是本单位制作的。只用于您确定来源的文件
help-verify-acknowledgement =
    核验举报人保存的受理回执（即门户状态页上显示的那份）：是否由本单位签名，以及其中写了什么。不需要台账，也不需要口令，只需要本单位公布的验证密钥。退出码 0：回执有效；1：回执无效
help-verify-acknowledgement-long =
    核验举报人保存的受理回执（即门户状态页上显示的那份）：是否由本单位签名，以及其中写了什么。不需要台账，也不需要口令，只需要本单位公布的验证密钥。退出码 0：回执有效；1：回执无效。
    
    示例：tipbox-review verify-acknowledgement ack.txt --verify-key 3f2a...
help-verify-acknowledgement-arg-file =
    保存为文本文件的受理回执；写 `-` 表示从标准输入读取
help-verify-acknowledgement-arg-verify_key =
    本单位的验证密钥 [默认：台账中的 keys/verify-key.txt，以及本单位已停用的旧验证密钥]
help-audit =
    审核人员的审计日志
help-audit-verify =
    核验哈希链；日志如被改动，退出码为 1，并指出第一条有问题的记录
help-desk =
    审核人员工作台：在本机运行的台账网页界面，使用本单位的语言，只能从本机访问。程序输出带一次性令牌的地址，并在桌面浏览器中打开
help-desk-long =
    审核人员工作台：在本机运行的台账网页界面，使用本单位的语言，只能从本机访问。程序输出带一次性令牌的地址，并在桌面浏览器中打开。
    
    示例：tipbox-review desk（或：tipbox-review desk --no-open --listen 127.0.0.1:8700）
help-desk-arg-listen =
    监听地址：只能是本机回环地址；端口为 0 时自动选择空闲端口
help-desk-arg-no_open =
    不打开浏览器，只输出地址
help-desk-arg-lock_after_minutes =
    多少分钟不用后重新锁定本单位密钥（1-1440）[默认：ledger.toml 中 `[desk] lock_after_minutes` 的设置，未设置时为 15]
