// The fields of one SLA policy (the shop's or a group's), as SlaPage shows them.
import { Field } from './ui';
import { warnAt, type SlaDraft } from './slaForm';

interface Props {
  draft: SlaDraft;
  errors: Record<string, string>;
  readOnly: boolean;
  prefix: string;
  onChange: (field: keyof SlaDraft, value: string | boolean) => void;
}

export function SlaPolicyFields({ draft, errors, readOnly, prefix, onChange }: Props) {
  const number = (field: keyof SlaDraft, name: string, label: string, unit: string, hint?: string) => (
    <Field label={`${label}（${unit}）`} name={name} error={errors[name]} hint={hint}>
      <input
        id={`field-${name}`}
        type="text"
        inputMode="numeric"
        data-testid={`${prefix}-${name}`}
        value={draft[field] as string}
        readOnly={readOnly}
        onInput={(e) => onChange(field, (e.target as HTMLInputElement).value)}
      />
    </Field>
  );
  return (
    <div class="sla-fields">
      {number('first_response_s', 'first_response_s', '首次响应时限', '秒', warnAt(draft, 'first_response_s'))}
      {number('next_response_s', 'next_response_s', '后续回复时限', '秒', warnAt(draft, 'next_response_s'))}
      {number('resolution_h', 'resolution_s', '问题解决时限', '小时')}
      {number('warn_percent', 'warn_percent', '提前提醒', '% 时限', '用时达到时限的这一比例时提醒客服')}
      <Field label="计时方式" name="business_hours_only" error={errors.business_hours_only}>
        <label class="checkbox">
          <input
            type="checkbox"
            data-testid={`${prefix}-business_hours_only`}
            checked={draft.business_hours_only}
            disabled={readOnly}
            onChange={(e) => onChange('business_hours_only', (e.target as HTMLInputElement).checked)}
          />
          只计算营业时间（下班时间暂停计时）
        </label>
      </Field>
    </div>
  );
}
