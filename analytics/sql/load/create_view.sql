-- grain: as the view's own file states; a view created at import time
create view {view} as
{query}
