/** Minimal HTML building: every interpolated value goes through escapeHtml. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Rollout Ledger</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style></head>
<body><header><a href="/ui" class="brand">Rollout Ledger audit</a></header><main>${body}</main></body></html>`;
}

export function queryString(params: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f5f6f8}
header{background:#1d2430;padding:10px 20px}header a{color:#fff;text-decoration:none;font-weight:600}
main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e6ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef0f3;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px;align-items:flex-end}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#555}
.msg{border-radius:8px;padding:8px 12px;margin:8px 0;background:#fff;border-left:4px solid #999;white-space:pre-wrap}
.msg.system{border-color:#8a8f98;background:#f0f1f3}.msg.user{border-color:#2f7de1}.msg.assistant{border-color:#1f9d55}.msg.tool{border-color:#d97706;background:#fffaf0}
.role{font-weight:600;font-size:12px;text-transform:uppercase;color:#555}
.call{background:#f7f7fb;border:1px solid #dde;border-radius:6px;padding:6px 8px;margin-top:6px;font-family:ui-monospace,monospace;font-size:12px}
.error{color:#b91c1c;font-weight:600}.muted{color:#777}
code,pre{font-family:ui-monospace,monospace;font-size:12px}pre{white-space:pre-wrap;margin:0}
section{margin:18px 0}h2{font-size:16px;margin:8px 0}
`;
