-- Reputation became a ledger (ReputationEvent, Member.reputation = the sum of a member's events). Points earned
-- before it existed only as the total: accepted answers get their `accept:<question>` event (so moving an old
-- accepted mark takes its points back), and whatever else the total held becomes one `legacy:<member>` event.
INSERT INTO "ReputationEvent" ("memberId", "points", "reason", "sourceKey")
SELECT a."authorId", 10, 'accepted-answer', 'accept:' || q."id"
FROM "Question" q
JOIN "Answer" a ON a."id" = q."acceptedAnswerId"
JOIN "Member" m ON m."id" = a."authorId"
WHERE a."authorId" <> q."memberId" AND m."reputation" >= 10
ON CONFLICT ("sourceKey") DO NOTHING;

INSERT INTO "ReputationEvent" ("memberId", "points", "reason", "sourceKey")
SELECT m."id", m."reputation" - COALESCE(e."total", 0), 'before-ledger', 'legacy:' || m."id"
FROM "Member" m
LEFT JOIN (SELECT "memberId", SUM("points") AS "total" FROM "ReputationEvent" GROUP BY "memberId") e
  ON e."memberId" = m."id"
WHERE m."reputation" <> COALESCE(e."total", 0)
ON CONFLICT ("sourceKey") DO NOTHING;
