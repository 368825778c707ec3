// 机器人学习: the questions the bot could not answer, and the wordings learned from agents'
// answers, side by side; both teach the bot through the FAQ (supervisors and admins).
import { useEffect, useState } from 'preact/hooks';
import type { FaqEntry } from '../shared/types';
import { adminApi } from './api';
import { ProposalList } from './ProposalList';
import { useAdmin } from './ui';
import { UnansweredGroups } from './UnansweredGroups';

export function LearningPage() {
  const admin = useAdmin();
  const [entries, setEntries] = useState<FaqEntry[]>([]);
  const loadEntries = async () => {
    try {
      setEntries((await adminApi.faqList(admin.token)).items);
    } catch (e) {
      admin.expired(e);
    }
  };
  useEffect(() => void loadEntries(), []);
  return (
    <div class="learning-page">
      <UnansweredGroups entries={entries} onTaught={() => void loadEntries()} />
      <ProposalList onTaught={() => void loadEntries()} />
    </div>
  );
}
