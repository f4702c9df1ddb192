// PLACEHOLDER: replaced by the page itself.
export function ReportEditorPage() {
  return <h1>ReportEditorPage</h1>;
}
