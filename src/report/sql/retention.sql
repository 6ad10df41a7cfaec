-- Day-N retention by sign-up cohort: of the players who signed up on a day, how many were
-- active (any event) exactly 1, 7 and 30 days later. Whether day N has been observed yet is
-- decided by the report, which knows the last day with activity.
with cohorts as (
  select username, cast(min(event_ts) as date) as cohort_day
  from events_user
  where dt >= '{from}' and event_type = 'signup' and username is not null
  group by username
),
player_events as (
  select username, event_ts from events_user where dt >= '{from}' and username is not null
  union all
  select username, event_ts from events_buy where dt >= '{from}' and username is not null
  union all
  select username, event_ts from events_guild where dt >= '{from}' and username is not null
),
active as (
  select distinct username, cast(event_ts as date) as active_day from player_events
)
select
  cast(c.cohort_day as varchar) as cohort_day,
  count(distinct c.username) as players,
  count(distinct case when date_diff('day', c.cohort_day, a.active_day) = 1 then c.username end) as d1,
  count(distinct case when date_diff('day', c.cohort_day, a.active_day) = 7 then c.username end) as d7,
  count(distinct case when date_diff('day', c.cohort_day, a.active_day) = 30 then c.username end) as d30
from cohorts c
left join active a on a.username = c.username
group by c.cohort_day
order by 1
