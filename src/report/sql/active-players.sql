-- Daily, weekly and monthly active players, for each day of the report that has activity.
-- A player is active on a UTC day with any event: sign-up, login, purchase or guild join.
-- WAU and MAU count the distinct players of the 7 and 30 days ending that day, so activity
-- from 29 days before the report's first day is read too.
with player_events as (
  select username, event_ts from events_user where dt >= '{lookback_from}' and username is not null
  union all
  select username, event_ts from events_buy where dt >= '{lookback_from}' and username is not null
  union all
  select username, event_ts from events_guild where dt >= '{lookback_from}' and username is not null
),
active as (
  select distinct username, cast(event_ts as date) as active_day from player_events
),
report_days as (
  select distinct active_day as report_day from active where active_day >= date '{from}'
)
select
  cast(r.report_day as varchar) as report_day,
  count(distinct case when a.active_day = r.report_day then a.username end) as dau,
  count(distinct case when date_diff('day', a.active_day, r.report_day) < 7 then a.username end) as wau,
  count(distinct a.username) as mau
from report_days r
join active a on a.active_day <= r.report_day and date_diff('day', a.active_day, r.report_day) < 30
group by r.report_day
order by 1
