-- `epaper export` finds the stored media of each article and of its page by owner.
CREATE INDEX media_owner ON media (owner_url);
