-- Day-N retention of each sign-up cohort before {until_day}, as the lake stood at
-- {changes_since} and as it stands now: the cohort then counts the sign-ups the log had accepted
-- by then, and a player was active on a day then if one of that day's events had arrived. Only
-- cohorts that a late event (sign-up or activity) touched are returned; the report keeps day N
-- only where it had ended by {until_day}, so a day that simply had not come yet is no restatement.
with signups as (
  select
    username,
    cast(min(event_ts) as date) as cohort_day,
    min("timestamp") as signup_arrived
  from events_user
  where dt >= '{from}' and dt < '{until_day}' and event_type = 'signup' and username is not null
  group by username
),
player_events as (
  select username, event_ts, "timestamp" as arrived from events_user where dt >= '{from}' and username is not null
  union all
  select username, event_ts, "timestamp" from events_buy where dt >= '{from}' and username is not null
  union all
  select username, event_ts, "timestamp" from events_guild where dt >= '{from}' and username is not null
),
active as (
  select username, cast(event_ts as date) as active_day, min(arrived) as first_arrived
  from player_events
  group by 1, 2
),
cohort_activity as (
  select
    c.cohort_day,
    c.username,
    c.signup_arrived < timestamp '{changes_since}' as member_then,
    a.active_day,
    a.first_arrived < timestamp '{changes_since}' as active_then,
    date_diff('day', c.cohort_day, a.active_day) as day_n
  from signups c
  left join active a on a.username = c.username
)
select
  cast(cohort_day as varchar) as cohort_day,
  count(distinct case when member_then then username end) as players_then,
  count(distinct username) as players_now,
  count(distinct case when member_then and active_then and day_n = 1 then username end) as d1_then,
  count(distinct case when day_n = 1 then username end) as d1_now,
  count(distinct case when member_then and active_then and day_n = 7 then username end) as d7_then,
  count(distinct case when day_n = 7 then username end) as d7_now,
  count(distinct case when member_then and active_then and day_n = 30 then username end) as d30_then,
  count(distinct case when day_n = 30 then username end) as d30_now
from cohort_activity
group by cohort_day
having count(distinct case when not member_then or (not active_then and active_day < date '{until_day}') then username end) > 0
order by 1
