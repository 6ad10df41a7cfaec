-- Each day before {until_day}, as the lake stood at {changes_since} (the rows whose event the log
-- had accepted by then) and as it stands now, with the events that arrived since for that day:
-- how many, when they happened and when they arrived. A day is in the result only when one did.
-- An event's day is its event time's UTC day, as everywhere in the report.
with player_events as (
  select username, event_type, event_ts, "timestamp" as arrived
  from events_user where dt >= '{from}' and dt < '{until_day}' and username is not null
  union all
  select username, event_type, event_ts, "timestamp" from events_buy
  where dt >= '{from}' and dt < '{until_day}' and username is not null
  union all
  select username, event_type, event_ts, "timestamp" from events_guild
  where dt >= '{from}' and dt < '{until_day}' and username is not null
),
activity as (
  select
    cast(cast(event_ts as date) as varchar) as day,
    count(case when arrived >= timestamp '{changes_since}' then 1 end) as late_events,
    min(case when arrived >= timestamp '{changes_since}' then event_ts end) as late_first_event,
    max(case when arrived >= timestamp '{changes_since}' then event_ts end) as late_last_event,
    min(case when arrived >= timestamp '{changes_since}' then arrived end) as late_first_arrival,
    max(case when arrived >= timestamp '{changes_since}' then arrived end) as late_last_arrival,
    count(distinct case when arrived < timestamp '{changes_since}' then username end) as dau_then,
    count(distinct username) as dau_now,
    count(distinct case when event_type = 'signup' and arrived < timestamp '{changes_since}' then username end)
      as new_players_then,
    count(distinct case when event_type = 'signup' then username end) as new_players_now
  from player_events
  group by 1
),
sales as (
  select
    cast(cast(event_ts as date) as varchar) as day,
    count(case when "timestamp" < timestamp '{changes_since}' then 1 end) as purchases_then,
    count(*) as purchases_now,
    coalesce(sum(case when "timestamp" < timestamp '{changes_since}' then cast(round(total_price * 100) as bigint) end), 0)
      as revenue_cents_then,
    coalesce(sum(cast(round(total_price * 100) as bigint)), 0) as revenue_cents_now
  from events_buy
  where dt >= '{from}' and dt < '{until_day}'
  group by 1
)
select
  a.day,
  a.late_events,
  cast(a.late_first_event as varchar) as late_first_event,
  cast(a.late_last_event as varchar) as late_last_event,
  cast(a.late_first_arrival as varchar) as late_first_arrival,
  cast(a.late_last_arrival as varchar) as late_last_arrival,
  a.dau_then,
  a.dau_now,
  a.new_players_then,
  a.new_players_now,
  coalesce(s.purchases_then, 0) as purchases_then,
  coalesce(s.purchases_now, 0) as purchases_now,
  coalesce(s.revenue_cents_then, 0) as revenue_cents_then,
  coalesce(s.revenue_cents_now, 0) as revenue_cents_now
from activity a
left join sales s on s.day = a.day
where a.late_events > 0
order by 1
