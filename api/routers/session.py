"""``GET /me``: which key is calling and what its role may see.

The web pages sign in with an API key and must show what the key's role allows,
exactly as the API enforces it. Rather than keep a second copy of the rules in JavaScript,
the page asks the API: the answer is read off ``tracker.access.Role`` itself, so the page
and the endpoints can never disagree. Any valid key may ask; a bad key gets the usual 401.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth import AnyRole
from api.disclosed import DisclosedRoute
from api.problems import PROBLEM_RESPONSES
from tracker.access import Role


class Me(BaseModel):
    key_id: str
    role: Role
    label: str | None = None
    sees_workers: bool = Field(description="may read worker records (search, timeline, ...)")
    sees_identities: bool = Field(description="sees names, phones, e-Shram numbers, ids")
    pseudonymised: bool = Field(description="sees pseudonyms in place of worker ids")
    suppressed: bool = Field(description="gets counts of fewer than 5 workers suppressed")
    administers: bool = Field(description="may import batches and read the audit log")


router = APIRouter(tags=["session"], responses=PROBLEM_RESPONSES, route_class=DisclosedRoute)


@router.get("/me", response_model=Me, summary="The calling key's role and what it may see")
def me(who: AnyRole) -> Me:
    role = who.role
    return Me(
        key_id=who.key.key_id,
        role=role,
        label=who.key.label,
        sees_workers=role.sees_workers,
        sees_identities=role.sees_identities,
        pseudonymised=role.pseudonymised,
        suppressed=role.suppressed,
        administers=role.administers,
    )
