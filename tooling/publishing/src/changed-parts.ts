// Names what a change touches, so the gate's message says "assignments.create" and
// "POST /assignments" rather than only line numbers in a long file.

/** Procedures (the `## name (kind)` sections of the procedure report) added, removed or changed. */
export function changedProcedures(committed: string, rendered: string): string[] {
  return changedKeys(sectionsOf(committed), sectionsOf(rendered));
}

/** Operations (`METHOD /path`) and component schemas of an OpenAPI document added, removed or changed. */
export function changedOpenApiParts(committed: string, rendered: string): string[] {
  return changedKeys(openApiPartsOf(committed), openApiPartsOf(rendered));
}

function sectionsOf(report: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const section of report.split(/^## /m).slice(1)) {
    const name = section.slice(0, section.indexOf(' ('));
    sections.set(name, section);
  }
  return sections;
}

interface OpenApiShape {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
  webhooks?: Record<string, unknown>;
}

function openApiPartsOf(text: string): Map<string, string> {
  const parts = new Map<string, string>();
  if (text === '') return parts;
  const document = JSON.parse(text) as OpenApiShape;
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      parts.set(`${method.toUpperCase()} ${path}`, JSON.stringify(operation));
    }
  }
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    parts.set(`schema ${name}`, JSON.stringify(schema));
  }
  for (const [name, webhook] of Object.entries(document.webhooks ?? {})) {
    parts.set(`webhook ${name}`, JSON.stringify(webhook));
  }
  return parts;
}

function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [key, value] of before) {
    if (!after.has(key)) changed.push(`${key} (removed)`);
    else if (after.get(key) !== value) changed.push(key);
  }
  for (const key of after.keys()) {
    if (!before.has(key)) changed.push(`${key} (added)`);
  }
  return changed;
}
