"""Stop words: the little words of a language ("the", "and", "de", "het") that say nothing
about what people answered. The room's word cloud leaves them out; a search can too.

`stop_words(language)` takes a language code ("nl", "nl-be", "en_GB"); a language without a
list here gets an empty set (nothing is left out, rather than the wrong language's words).
Lists are lower case, as the words they are checked against.
"""

_ENGLISH = """
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each even ever every few for from further get got had hadn't
has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his
how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's like make made
me more most much mustn't my myself no nor not now of off on once one only or other ought our
ours ourselves out over own really same shan't she she'd she'll she's should shouldn't so some
still such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those through to too under until up upon us very was
wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
while who who's whom why why's will with won't would wouldn't yet you you'd you'll you're
you've your yours yourself yourselves
"""

_DUTCH = """
aan af al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
ik in is ja je jij jou jouw kan kon kunnen maar me meer men met mij mijn moet na naar niet
niets nog nu of om omdat ons onze ook op over reeds te tegen toch toen tot u uit uw van veel
voor want waren was wat we wel werd wezen wie wij wil worden wordt zal ze zei zelf zich zij
zijn zo zonder zou
"""

_FRENCH = """
a à ai aie aient aies ait alors as au aucun aura aurai auraient aurais aurait aux avaient
avais avait avec avez aviez avions avoir avons ayant c ça ce ceci cela celle celles celui ces
cet cette ceux chez comme d dans de des du elle elles en es est et étaient étais était été
être eu eux fait il ils j je l la le les leur leurs lui m ma mais me même mes moi mon n ne ni
nos notre nous on ont ou où par pas pour plus qu que quel quelle qui s sa sans se ses si son
sont sur t ta te tes toi ton tous tout très tu un une vos votre vous y
"""

_GERMAN = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
auch auf aus bei bin bis bist da damit dann das dass dasselbe dazu dein deine deinem deinen
deiner dem den denn der des desselben dich die dies diese dieselbe diesem diesen dieser dieses
dir doch dort du durch ein eine einem einen einer eines einig einige er es etwas euch euer
eure für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr
ihre ihrem ihren ihrer im in indem ins ist jede jedem jeden jeder jedes jene jetzt kann kein
keine man manche mein meine meinem meinen meiner mich mir mit muss musste nach nicht nichts
noch nun nur ob oder ohne sehr sein seine seinem seinen seiner selbst sich sie sind so solche
soll sollte sondern sonst über um und uns unser unsere unter viel vom von vor war waren warst
was weil weiter welche wenn werde werden wie wieder will wir wird wo wollen würde zu zum zur
zwar zwischen
"""

_SPANISH = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e
el él ella ellas ellos en entre era erais eran eras eres es esa esas ese eso esos esta estaba
estado estamos estar estas este esto estos estoy fue fueron fui ha había habían han has hay he
la las le les lo los más me mi mis mucho muy nada ni no nos nosotros o os otra otras otro otros
para pero poco por porque que qué quien quienes se sea ser si sí sin sobre son su sus también
tanto te tengo ti tiene tienen todo todos tu tú tus un una uno unos vosotros y ya yo
"""

_BY_LANGUAGE = {
    "en": frozenset(_ENGLISH.split()),
    "nl": frozenset(_DUTCH.split()),
    "fr": frozenset(_FRENCH.split()),
    "de": frozenset(_GERMAN.split()),
    "es": frozenset(_SPANISH.split()),
}


def stop_words(language):
    """The stop words of `language` (a code such as "nl" or "nl-be"), as a frozen set."""
    base = (language or "").lower().replace("_", "-").split("-")[0]
    return _BY_LANGUAGE.get(base, frozenset())
