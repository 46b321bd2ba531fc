// Text from settings and task definitions must reach Terraform as the user wrote it. Terraform reads `${` and
// `%{` in every string of the JSON configuration as template syntax; `$${` and `%%{` are their literal forms.
// (cdktf token markers in input are refused when it is loaded, so nothing here can be a cdktf reference.)

/** `text` as a Terraform string literal: `${file("x")}` stays those characters, never a file read. */
export function literal(text: string): string {
  // Replacer functions: in a replacement string "$$" would collapse to "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** Every string in a JSON value (keys included) made literal, for values Terraform reads as a whole. */
export function literalDeep<T>(value: T): T {
  if (typeof value === "string") return literal(value) as T;
  if (Array.isArray(value)) return value.map((v) => literalDeep(v)) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [literal(k), literalDeep(v)])) as T;
  }
  return value;
}
