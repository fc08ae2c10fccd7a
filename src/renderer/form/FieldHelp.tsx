export function FieldHelp({ id, text }: { id: string; text?: string }) {
  return text ? (
    <p className="field-help" id={id}>
      {text}
    </p>
  ) : null;
}
