"""A shopper rates the service round just closed (满意度): once per round, stored, then told."""

from __future__ import annotations

from typing import Any

from chatserver.actions.visitor_session import VisitorContext
from chatserver.commands.ratings import RateService
from chatserver.db.engine import Database
from chatserver.db.models import Agent, Rating, utcnow
from chatserver.db.records import lock_conversation, record_event
from chatserver.domain.events import ChatRated
from chatserver.errors import AppError
from chatserver.views.ratings import rating_dict, round_state


class Ratings:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def do_rate(
        self, context: VisitorContext, command: RateService, *, sid: str | None = None
    ) -> dict[str, Any]:
        """`{rating}`. Only the shopper of the conversation (the socket's own context), only
        after a closing that asked for a rating, and once per round: a second is `conflict`.
        The conversation row lock makes two tabs rating at once store one rating."""
        now = utcnow()
        async with self.db.transaction() as tx:
            session = tx.session
            conversation = await lock_conversation(session, context.conversation_id)
            if conversation.visitor_id != context.visitor_id:
                raise AppError("not_found", "会话不存在")
            state, service_round = await round_state(session, conversation)
            if state == "rated":
                raise AppError("conflict", "您已经评价过本次服务，感谢您的反馈")
            if state != "open" or service_round is None:
                raise AppError("forbidden", "目前没有可以评价的服务，客服结束会话后才能评价")
            rating = Rating(
                conversation_id=conversation.id,
                close_event_id=service_round.close_event_id,
                shop_id=conversation.shop_id,
                agent_id=service_round.agent_id,
                score=command.score,
                comment=command.comment,
                created_at=now,
            )
            session.add(rating)
            await session.flush()
            record_event(
                session,
                conversation,
                type="rated",
                now=now,
                actor_type="visitor",
                actor_id=context.visitor_id,
                data={
                    "rating_id": rating.id,
                    "round": service_round.close_event_id,
                    "score": command.score,
                },
            )
            agent = (
                await session.get(Agent, service_round.agent_id) if service_round.agent_id else None
            )
            wire = rating_dict(rating, agent)
            tx.record(
                ChatRated(
                    conversation.id,
                    conversation.shop_id,
                    agent_id=service_round.agent_id,
                    rating=wire,
                    origin_sid=sid,
                )
            )
        return {"rating": wire}
