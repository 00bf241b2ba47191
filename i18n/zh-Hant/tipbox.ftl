# tipbox-review, zh-Hant.

clap-usage = 用法：
clap-options = 選項
clap-commands = 命令
clap-help = 顯示說明

## What the ledger refuses (the English is the ledger's own text).

refused-not-a-category = {$given} 不是類別：請給出類別鍵（小寫字母、數字、連字號），如 {$keys}，或其中某一類別的完整名稱
refused-not-a-department = 部門名稱須為 1-100 個字元的純文字
refused-not-a-date = {$flag} {$given} 不是日期，請寫成 YYYY-MM-DD
refused-day-out-of-range = {$flag} {$given} 超出台帳可記錄的日期範圍（{$earliest} 至 {$latest}）：請核對年份
refused-day-in-future = {$flag} {$given} 在未來（今天是 {$today}）：請給出線索實際收到的日期
refused-empty-reply = 答覆內容為空
refused-empty-note = 備註內容為空
refused-empty-content = 線索內容為空
refused-summary-too-short = --summary 過短（至少 4 個字元）：請用自己的話概括線索，不要照抄原文；或不給 --summary，列印後在通知書上手寫
refused-not-a-file = --attachment {$path}：不是可讀取的檔案
refused-linked-to-itself = 線索不能與自身串併
refused-already-transferred = 線索 {$id} 今天已移交 {$to}，未作變更（如需為其寫出移交包，請給出 --recipient 和 --out）
refused-no-amount = 請給出獎勵金額（元）：`reward TIP approve --amount N`
refused-amount-too-large = {$amount} 元超過 {$max} 元：請核對金額（單位為元）
refused-reward-paid = 線索 {$id} 的獎勵（{$amount} 元）已於 {$on} 發放：已發放的獎勵不能更改
refused-no-reward-approved = 線索 {$id} 尚未核准獎勵
refused-reward-already-paid = 線索 {$id} 的獎勵已於 {$on} 記為已發放，未作變更
refused-no-receipt-for-reward = 線索 {$id} 沒有回執碼（來源管道：{$channel}）：獎勵須憑回執碼產生的領獎碼領取
refused-answered-by-other-unit = 線索 {$id} 由其他單位移交而來，由該單位透過其入口網站答覆舉報人：在此發布的內容到不了舉報人那裡。請把要告訴舉報人的內容轉給該單位
refused-no-receipt = 線索 {$id} 來源管道為 {$channel}，沒有回執碼，無法透過入口網站向舉報人發布任何內容
refused-too-long-for-reporter = 給舉報人的文字有 {$chars} 個字元，超過狀態頁可顯示的 {$max} 個：請刪減（是否給錯了檔案？）；較長的理由請寫入 `note`，備註只留在台帳中
refused-nothing-to-hand-over = 線索 {$id} 沒有可移交的錄入文字
refused-no-tip-from-portal = 本台帳中沒有來自入口網站 {$portal} 的線索
refused-no-portal-yet = 尚未從本單位的入口網站匯入任何網上線索（其他單位移交的線索由其自行答覆）：沒有要發往入口網站的內容
refused-several-portals = 線索來自多個入口網站，請用 --portal 選擇其一：{$portals}

## The `report` table.

report-summary = 總體情況
report-summary-from = 統計起始日
report-summary-to = 統計截止日
report-summary-as_of = 截至
report-summary-total = 收集線索
report-summary-finished = 查結（含不予受理、已移交）
report-summary-stage_closed = 階段性查結
report-summary-in_progress = 正在核查
report-summary-closure_rate = 辦結率
report-summary-overdue = 逾期未辦
report-summary-transfers = 移交線索
report-summary-received_from_other_units = 其他單位移交
report-rewards = 獎勵
report-rewards-approved_count = 核准獎勵（件）
report-rewards-approved_amount = 核准獎勵（元）
report-rewards-paid_count = 已發放獎勵（件）
report-rewards-paid_amount = 已發放獎勵（元）
report-public_status = 舉報人所見狀態
report-public_status-received = 已受理
report-public_status-verifying = 核查中
report-public_status-stage-closed = 階段性查結
report-public_status-closed = 已查結
report-public_status-not-accepted = 不予受理
report-public_status-transferred = 已移交
report-status = 台帳狀態
report-status-new = 新收
report-status-triaged = 已研判
report-status-assigned = 已分流
report-status-verifying = 核查中
report-status-stage-closed = 階段性查結
report-status-closed = 已查結
report-status-not-accepted = 不予受理
report-status-transferred = 已移交
report-category = 線索類別
report-channel = 線索來源
report-channel-web = 網路舉報
report-channel-phone = 電話
report-channel-letter = 來信
report-channel-visit = 來訪
report-channel-mailbox = 舉報信箱
report-department = 承辦單位
report-week = 每週新收線索
report-transferred_to = 移交去向

## Warnings and progress.

word-warning = 提醒
warning-new-category = 沒有其他線索屬於類別「{$key}」，它也不是預設類別（{$keys}）：請檢查拼寫，報表會把每種拼寫分開統計
warning-due-before-received = --due {$due} 早於線索 {$id} 的收到日期（{$received}），因此已經逾期；如果是筆誤，請用正確日期重新分流
warning-transferred-nowhere = 線索 {$id} 標記為已移交，但台帳沒有記錄移交去向：`tipbox-review transfer {$id} --to DEPT` 可記錄，報表也會統計
warning-public-record-removed = 線索 {$id} 已辦結，舉報人所見內容最後變化於 {$day}；入口網站在此後 {$days} 天（其 retention_days，除非維運人員改過）刪除已辦結線索的公開記錄：舉報人很可能看不到這則內容
progress-made-private = {$folder} 原先對本機其他使用者開放，現已設為僅本人可存取（權限 0700）
progress-rebuilding-summaries = 正在根據資料庫重建摘要索引……
progress-waiting-for-lock = 正在等待另一個 tipbox-review 指令用完這個台帳……

## Casework.

cli-triaged = 線索 {$id}：{$status}
cli-assigned = 線索 {$id} 已分流至 {$department}，辦理期限 {$due}
cli-status-set = 線索 {$id}：{$before} -> {$after}（舉報人所見：{$public}）
cli-replied = 給線索 {$id} 舉報人的答覆已加密，隨下一次 `tipbox-review export` 發布
cli-noted = 已為線索 {$id} 新增備註
cli-linked = 線索 {$id} 與 {$other} 已串併
cli-already-linked = 線索 {$id} 與 {$other} 早已串併，未作變更
cli-recipient-and-out = --recipient 和 --out 須同時給出
cli-transferred = 線索 {$id} 已移交 {$department}
cli-handover-written = 移交包：{$file}（接收單位用 `tipbox-review import` 匯入）
cli-add-no-content = 請用 --text 或 --text-file 給出線索內容
cli-added = 已錄入線索 {$id}（{$channel}）
cli-added-with-files = 已錄入線索 {$id}（{$channel}），{$files} 個附件已加密存入台帳
cli-not-a-claim-token = 這不是領獎碼：{$reason}
cli-claim-already-paid = {$amount} 元獎勵已於 {$on} 發放：切勿重複發放
cli-claim-unpaid = {$amount} 元獎勵已於 {$on} 核准，尚未發放；發放後請執行 `tipbox-review reward {$id} paid`
cli-claim-no-reward = 該線索尚未核准獎勵：無需發放
cli-claim-matches = 領獎碼對應線索 {$id}：{$state}
cli-claim-no-match = 領獎碼與本台帳中任何線索都不對應
cli-reward-not-a-tip = {$given} 不是線索編號；用法：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`
cli-reward-already-approved = 線索 {$id} 已於 {$on} 核准 {$amount} 元獎勵，未作變更
cli-reward-changed = 線索 {$id} 的獎勵由 {$from} 元改為 {$amount} 元
cli-reward-approved = 已為線索 {$id} 核准 {$amount} 元獎勵；下一次匯出後，舉報人可看到獎勵及領獎碼
cli-reward-paid = 線索 {$id} 的獎勵已記為已發放
cli-reward-usage = 用法：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`

## The errors a reviewer meets most.

error-no-such-tip = 本台帳中沒有線索 {$id}；`tipbox-review list` 可列出全部編號
error-not-a-ledger = {$folder} 不是 tipbox 台帳（沒有 keys/ 目錄）。請用 `tipbox-review --ledger {$folder} init` 新建，或給出正確的 --ledger / TIPBOX_LEDGER
error-recipient-file-missing = {$folder} 中沒有 recipient.txt（本單位的公鑰，由 `tipbox-review init` 寫出）：請把它複製到該處；示範金鑰可用 `cp keys-example/*.txt {$folder}/`
error-db = 無法開啟 {$folder} 中的台帳資料庫：{$reason}。是否有另一個 tipbox-review 指令正在使用這個台帳？
error-wrong-passphrase = {$file} 的通行密語不正確（或該檔案不是 tipbox 金鑰檔）
error-key-too-open = 本機其他使用者可以讀取 {$file}（權限 {$mode}）；私鑰必須僅本人可讀。請執行：chmod 600 {$file}
