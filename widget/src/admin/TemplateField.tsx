// A shop text with placeholders (the greeting, the farewell): a textarea, a line per placeholder
// saying what it becomes with an 插入 button that puts it at the caret, and the server's own rule
// check (shared/template.ts) shown as the field's error.
import { useLayoutEffect, useRef } from 'preact/hooks';
import { templateProblem } from '../shared/template';
import { Field } from './ui';

const MAX_TEMPLATE = 2000;

export interface PlaceholderHelp {
  name: string;
  /** What it becomes, said to the editor. */
  help: string;
  testid: string;
}

export function TemplateField({
  label,
  name,
  testid,
  value,
  error,
  readOnly,
  placeholders,
  onChange,
}: {
  label: string;
  name: string;
  testid: string;
  value: string;
  error?: string;
  readOnly: boolean;
  placeholders: PlaceholderHelp[];
  onChange: (value: string) => void;
}) {
  const box = useRef<HTMLTextAreaElement>(null);
  /** Where the caret goes after an insertion, applied in the same commit as the new text. */
  const caret = useRef<number | null>(null);
  useLayoutEffect(() => {
    if (caret.current === null || !box.current) return;
    box.current.focus();
    box.current.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  }, [value]);

  const insert = (placeholder: string) => {
    const start = box.current?.selectionStart ?? value.length;
    const end = box.current?.selectionEnd ?? value.length;
    caret.current = start + placeholder.length;
    onChange(value.slice(0, start) + placeholder + value.slice(end));
  };
  const problem = templateProblem(
    value,
    placeholders.map((p) => p.name),
    label,
  );

  return (
    <>
      <Field label={label} name={name} error={error ?? problem ?? undefined} counter={`${value.length}/${MAX_TEMPLATE}`}>
        <textarea
          id={`field-${name}`}
          data-testid={testid}
          rows={4}
          ref={box}
          value={value}
          readOnly={readOnly}
          onInput={(e) => onChange((e.target as HTMLTextAreaElement).value)}
        />
      </Field>
      <div class="placeholders">
        {placeholders.map((p) => (
          <div key={p.name}>
            <code>{`{${p.name}}`}</code> {p.help}
            {!readOnly && (
              <button type="button" class="text-button" data-testid={p.testid} onClick={() => insert(`{${p.name}}`)}>
                插入
              </button>
            )}
          </div>
        ))}
      </div>
    </>
  );
}
