"""Photos in the chat: an upload is checked, re-encoded, stored under its shopper and recorded;
a `message` with `kind: "image"` then posts it (actions/messages.py, through `claim_photo`).

Who may upload into a conversation is who may write in it: its shopper (the widget's visitor
token) or the agent serving it. A photo can be posted only by whoever uploaded it, into that
same conversation, and once.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chatserver.actions.checks import check_owns_chat
from chatserver.actions.current_chats import current_conversation
from chatserver.actions.customers import token_owner
from chatserver.actions.visitor_session import MAX_TOKEN_LENGTH
from chatserver.db.engine import Database
from chatserver.db.models import Attachment, Conversation, Visitor, utcnow
from chatserver.db.records import Chat, StoredMessage
from chatserver.domain.media import media_key
from chatserver.domain.ratelimit import TokenBucket, photo_uploads
from chatserver.domain.upload_tickets import UploadTickets, is_ticket
from chatserver.errors import AppError
from chatserver.services.auth import AuthenticatedAgent
from chatserver.services.images import ImageWorkers
from chatserver.services.media_store import MediaStore
from chatserver.views.media_links import MediaLinks

log = logging.getLogger(__name__)

Uploader = Literal["visitor", "agent"]
NOT_YOURS = "图片不存在或已失效，请重新上传"


@dataclass(frozen=True)
class UploadTarget:
    """Where an upload goes and who made it, settled before a byte of the body is read."""

    shop_id: int
    conversation_id: int
    visitor_id: int
    uploader: Uploader
    agent_id: int | None = None


class Photos:
    MAX_TRACKED = 10_000

    def __init__(
        self,
        db: Database,
        store: MediaStore,
        workers: ImageWorkers,
        links: MediaLinks,
        digest: Callable[[str], str],
        tickets: UploadTickets,
    ) -> None:
        self.db = db
        self.tickets = tickets
        self.store = store
        self.workers = workers
        self.links = links
        self.digest = digest
        # Per uploader, least recently used first (as AuthService's login limits).
        self._buckets: OrderedDict[tuple[str, int], TokenBucket] = OrderedDict()

    # Uploads of one conversation waiting to be posted (a widget shows at most a few at once).
    MAX_UNSENT = 12

    def check_may_upload(self, target: UploadTarget) -> None:
        """The uploader's rate limit: checked before the body is read, so a refused upload
        costs nothing (the handler calls it first)."""
        who = (target.uploader, target.agent_id or target.visitor_id)
        bucket = self._buckets.pop(who, None) or photo_uploads()
        self._buckets[who] = bucket
        while len(self._buckets) > self.MAX_TRACKED:
            self._buckets.popitem(last=False)
        if not bucket.take(time.monotonic()):
            raise AppError("rate_limited", "图片发送得太快了，请稍后再试")

    async def visitor_target(self, credential: str | None) -> UploadTarget:
        """The shopper's current conversation, as their widget's socket opened it: the upload
        ticket of its `session`, or an anonymous shopper's token (a logged-in customer's token
        alone opens nobody, as on the socket)."""
        if not credential or len(credential) > MAX_TOKEN_LENGTH:
            raise AppError("unauthorized", "请先打开客服对话")
        async with self.db.sessions() as session:
            if is_ticket(credential):
                visitor_id = self.tickets.visitor_of(credential)
                visitor = None if visitor_id is None else await session.get(Visitor, visitor_id)
            else:
                owner = await token_owner(session, self.digest(credential))
                if owner is not None and owner.is_customer:
                    raise AppError("unauthorized", "登录状态需要重新确认，请刷新页面后重试")
                visitor = None if owner is None else owner.person
            conversation = (
                None if visitor is None else await current_conversation(session, visitor.id)
            )
        if visitor is None or conversation is None:
            raise AppError("unauthorized", "对话已失效，请刷新页面后重试")
        return UploadTarget(visitor.shop_id, conversation.id, visitor.id, "visitor")

    async def agent_target(self, actor: AuthenticatedAgent, conversation_id: int) -> UploadTarget:
        """An open chat the agent is serving: the only place their photo can be posted."""
        async with self.db.sessions() as session:
            conversation = check_owns_chat(await session.get(Conversation, conversation_id), actor)
        return UploadTarget(
            conversation.shop_id,
            conversation.id,
            conversation.visitor_id,
            "agent",
            actor.agent.id,
        )

    async def do_upload(self, target: UploadTarget, data: bytes) -> dict[str, Any]:
        """`{attachment}`: the photo re-encoded and stored, ready to be posted. Nothing is
        stored for a file that is refused, and the files go again if the record fails.
        A conversation holds at most MAX_UNSENT uploads not yet posted, so an anonymous
        widget cannot fill the disk with photos it never sends."""
        async with self.db.sessions() as session:
            unsent = await session.scalar(
                select(func.count()).where(
                    Attachment.conversation_id == target.conversation_id,
                    Attachment.message_id.is_(None),
                )
            )
        if (unsent or 0) >= self.MAX_UNSENT:
            raise AppError("rate_limited", "还有未发送的图片，请先发送或移除后再上传")
        prepared = await self.workers.prepare(data)
        attachment_id = secrets.token_urlsafe(16)

        def key(thumb: bool) -> str:
            return media_key(
                target.shop_id, target.visitor_id, attachment_id, prepared.ext, thumb=thumb
            )

        attachment = Attachment(
            id=attachment_id,
            shop_id=target.shop_id,
            conversation_id=target.conversation_id,
            visitor_id=target.visitor_id,
            uploader=target.uploader,
            agent_id=target.agent_id,
            content_type=prepared.content_type,
            key=key(False),
            thumb_key=key(True),
            width=prepared.width,
            height=prepared.height,
            thumb_width=prepared.thumb_width,
            thumb_height=prepared.thumb_height,
            size_bytes=len(prepared.data),
            created_at=utcnow(),
        )
        try:
            await self.store.put(attachment.key, prepared.data, prepared.content_type)
            await self.store.put(attachment.thumb_key, prepared.thumb, prepared.content_type)
            async with self.db.transaction() as tx:
                tx.session.add(attachment)
        except BaseException:
            await self.store.delete(attachment.key)
            await self.store.delete(attachment.thumb_key)
            raise
        stored = photo_meta(attachment)["image"]
        return {
            "attachment": {
                "id": attachment.id,
                "content_type": attachment.content_type,
                "size": attachment.size_bytes,
                **self.links.image(stored),
            }
        }

    async def do_remove_unsent(self, uploaded_before: datetime, batch: int = 500) -> int:
        """Remove photos uploaded before `uploaded_before` and never posted: how many went.
        The row goes first, only if still unposted, so a photo posted meanwhile keeps its files
        and a post after the removal gets the usual "upload again"."""
        async with self.db.sessions() as session:
            stale = list(
                await session.scalars(
                    select(Attachment.id)
                    .where(
                        Attachment.message_id.is_(None),
                        Attachment.created_at < uploaded_before,
                    )
                    .order_by(Attachment.created_at)
                    .limit(batch)
                )
            )
        if not stale:
            return 0
        async with self.db.transaction() as tx:
            removed = list(
                await tx.session.execute(
                    delete(Attachment)
                    .where(Attachment.id.in_(stale), Attachment.message_id.is_(None))
                    .returning(Attachment.key, Attachment.thumb_key)
                )
            )
        for keys in removed:
            for key in keys:
                try:
                    await self.store.delete(key)
                except Exception:
                    # The row is gone either way; one stuck file must not keep the rest.
                    log.exception("removing the bytes of %s failed", key)
        return len(removed)


async def claim_photo(
    session: AsyncSession, conversation: Chat, attachment_id: str, *, by: Uploader, who: int
) -> Attachment:
    """The uploader's photo of this (locked) conversation, not yet posted. Anyone else's photo,
    or one of another conversation, does not exist as far as they can tell."""
    # Locked: the unsent-upload sweep's conditional delete then waits for this post, or won.
    attachment = await session.get(Attachment, attachment_id, with_for_update=True)
    if attachment is None or attachment.conversation_id != conversation.id:
        raise AppError("not_found", NOT_YOURS)
    uploaded_by = attachment.visitor_id if attachment.uploader == "visitor" else attachment.agent_id
    if attachment.uploader != by or uploaded_by != who:
        raise AppError("not_found", NOT_YOURS)
    if attachment.message_id is not None:
        raise AppError("conflict", "这张图片已经发送过了")
    return attachment


def photo_meta(attachment: Attachment) -> dict[str, Any]:
    """What an image message stores in `meta`; readers get signed URLs instead of the keys."""
    return {
        "image": {
            "attachment_id": attachment.id,
            "key": attachment.key,
            "thumb_key": attachment.thumb_key,
            "width": attachment.width,
            "height": attachment.height,
            "thumb_width": attachment.thumb_width,
            "thumb_height": attachment.thumb_height,
        }
    }


def mark_posted(attachment: Attachment, message: StoredMessage) -> None:
    attachment.message_id = message.id
