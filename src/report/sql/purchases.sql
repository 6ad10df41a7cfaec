-- Purchases, items and revenue per UTC day, with the players who paid that day. Revenue is
-- summed in cents, as integers, so every engine gives the same exact total.
select
  cast(cast(event_ts as date) as varchar) as purchase_day,
  count(*) as purchases,
  sum(quantity) as quantity,
  sum(cast(round(total_price * 100) as bigint)) as revenue_cents,
  count(distinct username) as paying_players
from events_buy
where dt >= '{from}'
group by 1
order by 1
