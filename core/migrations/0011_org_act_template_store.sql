-- The working group's act joins the one versioned template store (table
-- `template_version` of the documents, kind 'gruppo_lavoro'), with its
-- history, read from the audit log of the one-row table it had: version 1 is the shipped text the user first
-- edited (before the first save); each save is an edit; each return to the
-- shipped text is a 'default' version (the shipped text as the next save
-- found it, else the first one): a stored default older than the shipped
-- one gives way to it, as for the other templates.
WITH ev AS (
    SELECT id, action, at, operator,
           json_extract(before, '$.body') AS before_body,
           json_extract(after, '$.body') AS after_body
    FROM audit
    WHERE entity = 'org_act_template' AND action IN ('save', 'restore')
),
first_save AS (
    SELECT before_body, at, operator FROM ev WHERE action = 'save' ORDER BY id LIMIT 1
),
steps AS (
    SELECT 0 AS ord, 'default' AS origin, before_body AS body, 'migrazione' AS source, at, operator
    FROM first_save
    UNION ALL
    SELECT ev.id,
           CASE ev.action WHEN 'save' THEN 'edit' ELSE 'default' END,
           CASE ev.action
               WHEN 'save' THEN ev.after_body
               ELSE coalesce(
                   (SELECT n.before_body FROM ev n WHERE n.action = 'save' AND n.id > ev.id ORDER BY n.id LIMIT 1),
                   (SELECT before_body FROM first_save))
           END,
           CASE ev.action WHEN 'save' THEN NULL ELSE 'migrazione' END,
           ev.at, ev.operator
    FROM ev
)
INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
SELECT 'gruppo_lavoro', ROW_NUMBER() OVER (ORDER BY ord), body, origin, source, at, operator
FROM steps WHERE body IS NOT NULL
ORDER BY ord;

-- The template in use, if the history did not end with it (an archive
-- edited without its audit rows): it becomes the newest version.
INSERT INTO template_version (kind, version, body, origin, source, created_at, operator)
SELECT 'gruppo_lavoro',
       coalesce((SELECT max(version) FROM template_version WHERE kind = 'gruppo_lavoro'), 0) + 1,
       o.body, 'edit', 'migrazione', o.updated_at, 'migrazione'
FROM org_act_template o
WHERE o.body IS NOT (SELECT body FROM template_version WHERE kind = 'gruppo_lavoro' ORDER BY version DESC LIMIT 1);

DROP TABLE org_act_template;
DELETE FROM setting WHERE key = 'org_act_template_base';
