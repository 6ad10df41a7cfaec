-- From sign-up to first purchase, for the players who signed up in the report's days: how many
-- bought within a day, within 7 days, at all, and more than once, and the median time from
-- sign-up to first purchase in milliseconds. The median is computed portably: the middle row
-- (odd count) or the mean of the two middle rows (even count) of the times in order.
with signups as (
  select username, min(event_ts) as signup_ts
  from events_user
  where dt >= '{from}' and event_type = 'signup' and username is not null
  group by username
),
buyers as (
  select b.username, min(b.event_ts) as first_buy_ts, count(*) as purchases
  from events_buy b
  join signups s on b.username = s.username
  where b.dt >= '{from}' and b.event_ts >= s.signup_ts
  group by b.username
),
to_first as (
  select
    date_diff('millisecond', s.signup_ts, b.first_buy_ts) as ms,
    b.purchases,
    row_number() over (order by date_diff('millisecond', s.signup_ts, b.first_buy_ts)) as rn,
    count(*) over () as n
  from signups s
  join buyers b on b.username = s.username
)
select
  (select count(*) from signups) as signed_up,
  (select count(*) from to_first where ms < 86400000) as within_1_day,
  (select count(*) from to_first where ms < 604800000) as within_7_days,
  (select count(*) from to_first) as purchased,
  (select count(*) from to_first where purchases >= 2) as repeat_purchasers,
  (select avg(cast(ms as double)) from to_first where 2 * rn between n and n + 2) as median_ms_to_first_purchase
