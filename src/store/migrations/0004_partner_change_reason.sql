-- Why a partner was changed, when the actor said (e.g. the reason given for a
-- suspension: `credfed partner suspend ID --reason TEXT`).
ALTER TABLE partner_changes ADD COLUMN reason text;
