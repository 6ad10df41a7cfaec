-- Players active in the report's days, and those of them who bought anything.
with player_events as (
  select username from events_user where dt >= '{from}' and username is not null
  union all
  select username from events_buy where dt >= '{from}' and username is not null
  union all
  select username from events_guild where dt >= '{from}' and username is not null
)
select
  (select count(distinct username) from player_events) as active_players,
  (select count(distinct username) from events_buy where dt >= '{from}' and username is not null) as paying_players
