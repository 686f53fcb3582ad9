-- Headings that never end a page in the typst PDF.
--
-- typst keeps a heading on the page of what follows it, but only among the heading's siblings,
-- and Quarto puts each notebook output (and each heading it writes itself: unnumbered, unlisted)
-- in a block of its own: a heading could end a page while its text, table or chart starts the
-- next. So every heading goes into a 'sticky' block (Pandoc writes a Div's typst:sticky attribute
-- as block(sticky: true)), and a block that ends with a sticky block is sticky too: an output
-- that ends with a heading stays with the output after it.
-- Other formats (HTML) are left alone. Registered for every page in _quarto.yml (filters).

if not FORMAT:match("typst") then
  return {}
end

local STICKY = "typst:sticky"

local function sticky(div)
  div.attributes[STICKY] = "true"
  return div
end

-- Blocks are filtered bottom-up: a heading is wrapped before the blocks around it are looked at.
return {
  {
    Header = function(el)
      return sticky(pandoc.Div({ el }))
    end,
  },
  {
    Div = function(div)
      local last = div.content[#div.content]
      if last and last.t == "Div" and last.attributes[STICKY] == "true" then
        return sticky(div)
      end
      return nil
    end,
  },
}
