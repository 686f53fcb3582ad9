-- Status badges in the typst PDF (tussenstand.badges).
--
-- The report writes a goal's status as a Pandoc span, [op koers · illustratief]{.status
-- .status-op-koers}. On the website styles.scss colours it; Pandoc's typst writer would drop the
-- classes, so for typst this filter turns the span into a call of the function that the report's
-- header defines (tussenstand.badges.typst_definitions):
--   #status-badge("op-koers")[op koers · illustratief];
-- The span's text stays the badge's text: the status is never told by colour alone.
-- Other formats (HTML) are left alone. Registered for every page in _quarto.yml (filters).

if not FORMAT:match("typst") then
  return {}
end

function Span(el)
  if not el.classes:includes("status") then
    return nil
  end
  for _, class in ipairs(el.classes) do
    local key = class:match("^status%-([a-z%-]+)$")
    if key then
      local result = pandoc.Inlines({ pandoc.RawInline("typst", '#status-badge("' .. key .. '")[') })
      result:extend(el.content)
      -- ';' ends the call, so that text right after the badge is never read as an argument
      result:insert(pandoc.RawInline("typst", "];"))
      return result
    end
  end
  return nil
end
