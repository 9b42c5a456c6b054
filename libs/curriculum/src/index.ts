export type {
  AttemptRecord,
  CurriculumOptions,
  CurriculumWindow,
  DifficultyBand,
  TaskCurriculumStats,
} from './curriculum.types';
export { CURRICULUM_DEFAULTS, resolveCurriculumOptions, type ResolvedCurriculumOptions } from './curriculum-options';
export { bandOf, computeCurriculum } from './curriculum.stats';
