// Placeholders in the shop's texts (the greeting, the farewell, standard phrases): the rules of
// chatserver/domain/greeting.py, checked against the same cases (tests/data/template_cases.json).
// The server refuses a template that breaks them, so what it stores always renders here alike.

export const GREETING_PLACEHOLDERS = ['shop', 'agent'] as const;
export const FAREWELL_PLACEHOLDERS = ['shop', 'agent'] as const;
export const PHRASE_PLACEHOLDERS = ['shop', 'agent', 'shopper'] as const;

const TOKEN = /\{\{|\}\}|\{([a-z]+)\}/g;

/** Fill the placeholders in one pass; `{{`/`}}` are literal braces; unknown ones stay as written. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(TOKEN, (whole: string, name: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    return name !== undefined && Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
  });
}

const listed = (placeholders: readonly string[]) => placeholders.map((p) => `{${p}}`).join('、');

/** Why the template cannot be saved (the server's own words), or null when it can. */
export function templateProblem(template: string, placeholders: readonly string[], label: string): string | null {
  const unpaired = `${label}里的大括号不成对；如需显示大括号，请写成 {{ 或 }}`;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '}') {
      if (template[i + 1] !== '}') return unpaired;
      i++;
    } else if (c === '{') {
      if (template[i + 1] === '{') {
        i++;
        continue;
      }
      // a field runs to its matching brace (a format spec may nest braces)
      let depth = 1;
      let j = i + 1;
      for (; j < template.length && depth > 0; j++) {
        if (template[j] === '{') depth++;
        else if (template[j] === '}') depth--;
      }
      if (depth > 0) return unpaired;
      const inner = template.slice(i + 1, j - 1);
      const name = inner.split(/[!:]/, 1)[0];
      if (!placeholders.includes(name)) return `${label}只能使用 ${listed(placeholders)}，不认识 {${name}}`;
      if (name !== inner) return `${label}中的 ${listed(placeholders)} 不能带格式说明`;
      i = j - 1;
    }
  }
  return null;
}
