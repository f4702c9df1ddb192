// PLACEHOLDER: replaced by the page itself.
export function AssignmentDetailPage() {
  return <h1>AssignmentDetailPage</h1>;
}
