import { Injectable, NotFoundException } from '@nestjs/common';
import { AuthorityJudge, BackwardTracer, BomDifference, BrandScope, MaterialJudgement, UnitNode } from '@trace/genealogy';

export type UnitVerdict = 'CONFORMING' | 'CONFORMING_UNDER_DEVIATIONS' | 'NOT_CONFORMING';

export interface ComplianceMaterial {
  /** The unit (the shipped one or a sub-assembly of it) the material is installed in. */
  serial: string;
  lotId: string;
  quantity: number;
  refDes: string[];
  judgement?: MaterialJudgement;
}

export interface UnitCompliance {
  serial: string;
  brand?: string;
  productPartNumber?: string;
  customer: string;
  verdict: UnitVerdict;
  materials: ComplianceMaterial[];
  bomDifferences: { serial: string; revision?: string; difference?: BomDifference }[];
}

export interface ShipmentCompliance {
  shipmentId: string;
  units: UnitCompliance[];
}

export interface ShipmentComplianceCommand {
  shipmentId: string;
  scope: BrandScope;
}

/**
 * For every unit of a shipment the caller may see: each installed material's judgement (through the sub-assemblies it
 * may see) and a verdict. A shipment with none of the caller's units answers like one that never existed.
 */
@Injectable()
export class ShipmentComplianceUseCase {
  constructor(
    private readonly authority: AuthorityJudge,
    private readonly tracer: BackwardTracer,
  ) {}

  async execute({ shipmentId, scope }: ShipmentComplianceCommand): Promise<ShipmentCompliance> {
    const shipped = await this.authority.shipmentUnits(shipmentId);
    // One walk for every unit of the shipment (one round trip per level), each judged as a single genealogy is.
    const genealogies = await this.tracer.traceMany(shipped.map((s) => s.serial), scope);
    const traced = shipped.map((s) => ({ ...s, genealogy: genealogies.get(s.serial) }));
    const units = traced.flatMap(({ serial, customer, genealogy }): UnitCompliance[] => {
      if (!genealogy) return []; // another brand's unit: not told
      const materials = materialsOf(genealogy.unit);
      const bomDifferences = genealogy.summary.flags
        .filter((f) => f.code === 'BOM_MISMATCH')
        .map((f) => ({ serial: f.serial ?? serial, ...(f.revision !== undefined ? { revision: f.revision } : {}), ...(f.difference ? { difference: f.difference } : {}) }));
      return [{
        serial,
        ...(genealogy.unit.brand !== undefined ? { brand: genealogy.unit.brand } : {}),
        ...(genealogy.unit.productPartNumber !== undefined ? { productPartNumber: genealogy.unit.productPartNumber } : {}),
        customer,
        verdict: verdictOf(materials, bomDifferences.length > 0),
        materials,
        bomDifferences,
      }];
    });
    if (units.length === 0) throw new NotFoundException(`shipment ${JSON.stringify(shipmentId)} is not known`);
    return { shipmentId, units };
  }
}

/** Every material installed now in the unit and the sub-assemblies told in full below it. */
function materialsOf(unit: UnitNode): ComplianceMaterial[] {
  if (unit.withheld) return [];
  return [
    ...unit.materials
      .filter((m) => !m.removed)
      .map((m) => ({ serial: unit.serial, lotId: m.lotId, quantity: m.quantity, refDes: m.refDes, ...(m.judgement ? { judgement: m.judgement } : {}) })),
    ...unit.subAssemblies.filter((s) => !s.removed).flatMap((s) => materialsOf(s.unit)),
  ];
}

/** Conforming when every material is approved and the BOM is met; under deviations when some are covered by one. */
export function verdictOf(materials: ComplianceMaterial[], bomMismatch: boolean): UnitVerdict {
  const verdicts = materials.map((m) => m.judgement?.verdict ?? 'NOT_JUDGED');
  if (bomMismatch || verdicts.some((v) => v !== 'APPROVED' && v !== 'UNDER_DEVIATION')) return 'NOT_CONFORMING';
  return verdicts.includes('UNDER_DEVIATION') ? 'CONFORMING_UNDER_DEVIATIONS' : 'CONFORMING';
}
