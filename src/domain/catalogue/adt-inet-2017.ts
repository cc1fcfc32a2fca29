// The network's shared vocabulary, transcribed from the ADT-INET talk
// "Le pilotage de l'innovation" (Bordeaux, 11 May 2017), kept in French as
// written. Keys are stable: S/W/O/T + rank for factors, quadrant + the two
// factor keys for crossed strategies, TOOL-quadrant-rank for the toolbox.

import type { FactorKind, Quadrant } from "../types.ts";

export interface FactorEntry {
  key: string;
  factorKind: FactorKind;
  label: string;
  description: string;
}

export interface StrategyEntry {
  key: string;
  quadrant: Quadrant;
  internalFactorKey: string;
  externalFactorKey: string;
  label: string;
}

export interface ToolEntry {
  key: string;
  quadrant: Quadrant;
  label: string;
}

export const SOURCE = "ADT-INET, « Le pilotage de l'innovation : analyse des pratiques à l'échelle nationale », Bordeaux, 11 mai 2017";

export const FACTORS: FactorEntry[] = [
  { key: "S1", factorKind: "STRENGTH", label: "Autonomie organisationnelle locale", description: "Autonomie institutionnelle – organisation « souveraine »" },
  {
    key: "S2",
    factorKind: "STRENGTH",
    label: "Pérennité économique et institutionnelle",
    description: "Pérennité économique et sociale – non concurrence – « clients captifs »",
  },
  {
    key: "S3",
    factorKind: "STRENGTH",
    label: "Motivation et valeurs des agents publics",
    description: "Forte motivation des agents publics – Valeurs de service public",
  },
  { key: "S4", factorKind: "STRENGTH", label: "Légitimité de l'action publique en France", description: "Légitimité de l'action publique en France" },
  {
    key: "W1",
    factorKind: "WEAKNESS",
    label: "Dyarchie élu(s) / cadres dirigeants",
    description: "Dyarchie élu(s) / cadres dirigeants – hétérogénéité des rationalités – enjeux de pouvoirs internes – rôles incertains",
  },
  {
    key: "W2",
    factorKind: "WEAKNESS",
    label: "Culture verticale et rigidités",
    description: "Culture hiérarchique verticale, rigidités, gérontocratie ?!, cloisonnements",
  },
  {
    key: "W3",
    factorKind: "WEAKNESS",
    label: "Faible légitimité de l'innovation",
    description: "Faible légitimité de l'innovation, organisations dominées par le contrôle, la conformité à la norme, la culture du risque",
  },
  {
    key: "W4",
    factorKind: "WEAKNESS",
    label: "Ressources rares pour l'innovation",
    description:
      "Ressources rares pour investir dans l'innovation : expertise externe, investissement humain, indisponibilité/quotidien - temps des décideurs accaparé par le court terme",
  },
  {
    key: "O1",
    factorKind: "OPPORTUNITY",
    label: "Effets positifs reconfiguration territoriale",
    description:
      "Effets positifs de la reconfiguration territoriale, effets de seuil des fusions Régions, EPCI, communes nouvelles, clarification des compétences",
  },
  {
    key: "O2",
    factorKind: "OPPORTUNITY",
    label: "Stimulation financière",
    description:
      "Puissante stimulation financière – pilotage sous contrainte - entre baisse des ressources d'Etat, gel des taux des impôts et rigidités à la baisse des dépenses",
  },
  {
    key: "O3",
    factorKind: "OPPORTUNITY",
    label: "Injonctions sociétales & outils numériques",
    description: "Multiples injonctions sociétales, étatiques, numériques à la modernisation de l'action publique",
  },
  {
    key: "T1",
    factorKind: "THREAT",
    label: "Complexité accrue de la gouvernance – effets pervers",
    description:
      "Complexité accrue de la gouvernance territoriale – effets nocifs du jeu politique – fragmentation des mandats – difficulté à dégager des consensus",
  },
  {
    key: "T2",
    factorKind: "THREAT",
    label: "Fragmentation des compétences - isolement",
    description:
      "Fragmentation des compétences institutionnelles entre collectivités – spécialisation, isolement et discontinuité – assèchement des coopérations avec la fin des financements croisés",
  },
  {
    key: "T3",
    factorKind: "THREAT",
    label: "Fractures & crevasses sociales et territoriales",
    description: "Fractures et « crevasses » sociales et territoriales – pertes de confiance externe et interne",
  },
];

// Rows are internal factors, columns external factors, as in the talk's grids.
const GRIDS: Record<Quadrant, { rows: string[]; columns: string[]; cells: string[][] }> = {
  SO: {
    rows: ["S1", "S2", "S3", "S4"],
    columns: ["O1", "O2", "O3"],
    cells: [
      ["Emergence possible d'un nouveau projet de territoire", "Organisation plus pro active", "Pressions multiples directes, attente de réactions"],
      [
        "Espace temps plus vaste à investir pour évoluer",
        "Retour sur investissement, moteur de l'expérimentation",
        "Non concurrence = opportunité d'échanges de pratiques entre CT",
      ],
      [
        "Disponibilité culturelle et intellectuelle, émulation",
        "Quête de sens redoublée, stimulation de la créativité utile",
        "Aspirations au transversal, à l'horizontal, porosité au progrès",
      ],
      [
        "« Task force » plausible en faveur de l'innovation",
        "Confiance / efficacité /impôt , triptyque gagnant ?",
        "L'aménageur du territoire, innovateur exemplaire ?",
      ],
    ],
  },
  WO: {
    rows: ["W1", "W2", "W3", "W4"],
    columns: ["O1", "O2", "O3"],
    cells: [
      [
        "Organisation mise en perspective. temps plus long qu'un mandat ?",
        "Innovation à relier au pilotage de gestion. Quel risque à ne pas innover ?",
        "Apprentissage en commun pour mieux travailler ensemble",
      ],
      [
        "Remise en cause de l'organisation passée – oser ?!",
        "Partager les « équations » et les arbitrages rendus. Nouvelles solidarités",
        "Réduire les écarts entre attentes. Relier innovation et FP du 21ème siècle",
      ],
      [
        "Valoriser les productions publiques. Prise de recul",
        "Autonomiser les cadres de terrain. S'appuyer sur la démarche qualité",
        "Donner repères sécurisants. Développer le marketing services",
      ],
      ["Quel % investir pour être à la hauteur demain ?", "Innover hors période budgétaire. Espace « libre »", "injonctions = progrès irréversibles"],
    ],
  },
  ST: {
    rows: ["S1", "S2", "S3", "S4"],
    columns: ["T1", "T2", "T3"],
    cells: [
      [
        "Cultiver l'identité propre de l'organisation publique",
        "Veille active sur l'action des autres CT. Réinventer les coopérations",
        "La territorialisation des PP et des services : un laboratoire d'innovation!",
      ],
      [
        "Réactiver / soutenir l'évaluation des politiques publiques",
        "Retrouver/retisser une logique de contrat de territoire",
        "Mutualiser ressources internes. Développer la solidarité intra territoriale",
      ],
      [
        "Favoriser l'expression des agents publics",
        "Promouvoir l'échelle du bassin de vie pour l'action et la FPT",
        "Valoriser l'engagement personnel et collectif dans les territoires menacés",
      ],
      [
        "Développer le reporting public « Accountability »",
        "Retrouver un rôle pour l'Etat local. S'appuyer sur la loi",
        "Soutenir les piliers du vivre ensemble : innovation sociale !",
      ],
    ],
  },
  WT: {
    rows: ["W1", "W2", "W3", "W4"],
    columns: ["T1", "T2", "T3"],
    cells: [
      [
        "Pas de « chaise vide » pour le manager !",
        "Partager un « observatoire des actions publiques »",
        "Expliciter enjeux de géographie prioritaire S'accorder sur objectifs",
      ],
      [
        "Communiquer en interne. Viser la porosité salubre",
        "Désigner des cadres ambassadeurs crédibles",
        "Innover sur la territorialisation de l'organisation",
      ],
      [
        "Dans les cœurs de métiers, importer ce qui peut germer",
        "Soutenir spécifiquement les innovateurs connectés aux réseaux pro.",
        "Ressourcer les « thérapies » : innovation de choc ou résilience douce ?!",
      ],
      [
        "Choisir quelques priorités en phase avec les enjeux du territoire, des élus",
        "Optimiser le recours aux associations nationales et CNFPT. Parangonage ciblé",
        "S'octroyer un micro-crédit pour innover ! Une nouvelle sobriété contagieuse ?",
      ],
    ],
  },
};

export const STRATEGIES: StrategyEntry[] = (Object.keys(GRIDS) as Quadrant[]).flatMap((quadrant) => {
  const grid = GRIDS[quadrant];
  return grid.rows.flatMap((row, r) =>
    grid.columns.map((column, c) => ({
      key: `${quadrant}-${row}-${column}`,
      quadrant,
      internalFactorKey: row,
      externalFactorKey: column,
      label: grid.cells[r]![c]!,
    })),
  );
});

// "La boîte à outils du manager innovateur". The talk lists no tool under
// Faiblesses / Opportunités; line breaks of the slides are joined.
const TOOLBOX: Record<Quadrant, string[]> = {
  SO: [
    "Inscrire l'innovation publique comme l'un des facteurs de réussite du projet de territoire",
    "Prix !",
    "Revendiquer l'innovation comme facteur de performance de la gestion",
    "Transition numérique : la participation numérique pour ressourcer le rapport bénéficiaires / administration",
    "Constituer une équipe dédiée avec une méthodologie",
    "Créer des espaces temps pour innover avec les agents : des lieux et des liens !",
    "Développer le sourcing",
    "Promouvoir audace et créativité, lâcher prise et valorisation des succès",
    "Employeur public responsable",
  ],
  WO: [],
  ST: [
    "Nouveau projet de service public : Culture de résultat et valeurs publiques. Coproduct Co-promu",
    "Innovations inter institutionnelles Diversification de la coopération",
    "Territorialisation ferment de l'innovation",
    "Communication active entre sommet et terrain « se parler innovation ! »",
    "Nouveaux contrats de territoire – Appels à projets innovants Promotion des progrès Empowerment local",
    "Libérer l'innovation sociale",
  ],
  WT: [
    "Entre élus et cadres Travail de lucidité active Impertinence constructive",
    "Communication interne ouverte et confiante",
    "Promouvoir l'économie collaborative de l'innovation publique locale",
    "Soutien public fort aux innovateurs internes Elus et DG à leurs côtés",
    "Jouer à fond la carte des communautés d'innovateurs",
    "Segmenter les politiques locales Territorialiser et thématiser les diagnostics, les enjeux, les objectifs",
    "Concours de riches idées simples pas chères pour publics prioritaires",
  ],
};

export const TOOLS: ToolEntry[] = (Object.keys(TOOLBOX) as Quadrant[]).flatMap((quadrant) =>
  TOOLBOX[quadrant].map((label, i) => ({ key: `TOOL-${quadrant}-${String(i + 1).padStart(2, "0")}`, quadrant, label })),
);
