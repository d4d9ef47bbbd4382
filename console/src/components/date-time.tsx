// An API timestamp (ISO 8601 UTC) in the reader's locale, with the exact value in a <time> element.
export function DateTime({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return <time dateTime={value}>{new Date(value).toLocaleString()}</time>;
}
