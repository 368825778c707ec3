"""Private notes and coloured flags on a conversation, for the shop's staff only.

Any agent, supervisor or admin of the conversation's shop may write a note or set the flag, on
a chat in any state (a note for the next shift, a flag on a closed order); another shop's
conversation does not exist for them. The shopper is never told: the fan-out sends these to
the shop's agents only.
"""

from __future__ import annotations

from typing import Any

from chatserver.actions.checks import check_in_shop
from chatserver.commands.notes import AddNote, SetFlag
from chatserver.db.engine import Database
from chatserver.db.models import Conversation, ConversationNote, utcnow
from chatserver.db.records import lock_row, record_event
from chatserver.domain.events import FlagChanged, NoteAdded
from chatserver.services.auth import AuthenticatedAgent
from chatserver.views.wire import iso, note_dict


class Notes:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_add_note(
        self, actor: AuthenticatedAgent, command: AddNote, *, sid: str | None = None
    ) -> dict[str, Any]:
        """Stores the note and returns it (the contract's Note object)."""
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation = check_in_shop(
                await lock_row(tx.session, Conversation, command.conversation_id), actor
            )
            note = ConversationNote(
                conversation_id=conversation.id,
                author_id=actor.agent.id,
                author_name=actor.agent.name,
                text=command.text,
                created_at=now,
            )
            tx.session.add(note)
            await tx.session.flush()
            record_event(
                tx.session,
                conversation,
                type="note_added",
                now=now,
                actor_type="agent",
                actor_id=actor.agent.id,
                data={"note_id": note.id},
            )
            wire = note_dict(note)
            tx.record(NoteAdded(conversation.id, conversation.shop_id, note=wire, origin_sid=sid))
        return wire

    async def do_set_flag(
        self, actor: AuthenticatedAgent, command: SetFlag, *, sid: str | None = None
    ) -> dict[str, Any]:
        """Sets (or with None clears) the flag; returns `{conversation_id, flag, flag_changed_at}`.
        Setting the flag it already has changes nothing and tells nobody."""
        now = utcnow()
        async with self.db.transaction() as tx:
            conversation = check_in_shop(
                await lock_row(tx.session, Conversation, command.conversation_id), actor
            )
            if conversation.flag != command.flag:
                previous = conversation.flag
                conversation.flag = command.flag
                conversation.flag_changed_by = actor.agent.id
                conversation.flag_changed_at = now
                conversation.updated_at = now
                record_event(
                    tx.session,
                    conversation,
                    type="flag_changed",
                    now=now,
                    actor_type="agent",
                    actor_id=actor.agent.id,
                    data={"from": previous, "to": command.flag},
                )
                tx.record(
                    FlagChanged(
                        conversation.id,
                        conversation.shop_id,
                        flag=command.flag,
                        by={"id": actor.agent.id, "name": actor.agent.name},
                        changed_at=now,
                        status=conversation.status,
                        origin_sid=sid,
                    )
                )
            return {
                "conversation_id": conversation.id,
                "flag": conversation.flag,
                "flag_changed_at": iso(conversation.flag_changed_at),
            }
