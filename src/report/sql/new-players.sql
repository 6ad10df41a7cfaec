-- New players per UTC day: the players whose first sign-up falls on that day.
select cast(cast(signup_ts as date) as varchar) as signup_day, count(*) as new_players
from (
  select username, min(event_ts) as signup_ts
  from events_user
  where dt >= '{from}' and event_type = 'signup' and username is not null
  group by username
) signups
group by 1
order by 1
