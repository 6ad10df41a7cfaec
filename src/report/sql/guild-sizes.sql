-- Members of each guild now (every join, less every departure to another guild, since the
-- lake began), with the joins and departures behind it.
select guild, sum(joined) - sum(departed) as members, sum(joined) as joins, sum(departed) as leaves
from (
  select guild_name as guild, 1 as joined, 0 as departed from events_guild where guild_name is not null
  union all
  select previous_guild as guild, 0 as joined, 1 as departed from events_guild where previous_guild is not null
) moves
group by guild
order by members desc, guild
