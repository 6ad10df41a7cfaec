-- Joins and departures of each guild per UTC day of the report: with the sizes now, the report
-- works out each guild's members at the end of every day.
select cast(cast(event_ts as date) as varchar) as change_day, guild, sum(joined) as joins, sum(departed) as leaves
from (
  select event_ts, guild_name as guild, 1 as joined, 0 as departed from events_guild where dt >= '{from}' and guild_name is not null
  union all
  select event_ts, previous_guild as guild, 0 as joined, 1 as departed from events_guild where dt >= '{from}' and previous_guild is not null
) moves
group by 1, 2
order by 1, 2
