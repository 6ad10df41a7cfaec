-- Revenue by catalog item, largest first.
select
  item_type,
  item_category,
  count(*) as purchases,
  sum(quantity) as quantity,
  sum(cast(round(total_price * 100) as bigint)) as revenue_cents
from events_buy
where dt >= '{from}'
group by item_type, item_category
order by revenue_cents desc, item_type
